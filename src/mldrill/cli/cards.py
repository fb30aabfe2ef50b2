"""`mldrill cards ...`: find a card and act on it (study/deck.py), as the web app's card browser does.

mldrill cards search "kv cache" [--json]      every word, in the question, answer, trap or your note
mldrill cards show ID                          the card, its status, due date, marks and review history
mldrill cards suspend|unsuspend|bury|unbury|unflag|reset ID
mldrill cards flag ID [COLOUR]                 red (default), orange, green, blue, pink, turquoise, purple
mldrill cards note ID TEXT                     your note, shown under the answer ("" removes it)
mldrill cards decks | delete-deck NAME         your imported decks
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from mldrill.cli.common import console, database, fail, items, print_json

if TYPE_CHECKING:
    from mldrill.store import Database
    from mldrill.study.items import Item

app = typer.Typer(help="Search your cards; suspend, bury, flag, annotate or reset one; list or delete your decks.")
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
ID = typer.Argument(..., help="Card id (see `mldrill cards search`).")


def _card(card_id: str) -> tuple[Database, Item]:
    db = database()
    all_items = items(db)
    it = all_items.get(card_id)
    if it is None or it.kind != "card":
        close = [i for i in all_items if card_id.lower() in i.lower()][:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else "; find it with `mldrill cards search WORDS`"
        fail(f"no card '{card_id}'{hint}")
    return db, it


@app.command("search")
def search(
    query: str = typer.Argument(..., help="Words that must all appear (case-insensitive)."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="Show at most N cards."),
    as_json: bool = JSON,
) -> None:
    """Cards whose question, answer, trap or note hold every word of QUERY."""
    from rich.markup import escape
    from rich.table import Table

    from mldrill.study.clock import utcnow
    from mldrill.study.deck import PAGE_SIZE, Query, browse
    from mldrill.study.scheduler import load_settings

    db = database()
    tz = load_settings(db).timezone
    rows, total = browse(db, items(db), Query(q=query), now=utcnow(), timezone=tz)
    page = 2
    while len(rows) < min(limit, total):
        more, _ = browse(db, items(db), Query(q=query, page=page), now=utcnow(), timezone=tz)
        rows, page = rows + more, page + 1
        if len(more) < PAGE_SIZE:
            break
    rows = rows[:limit]
    if as_json:
        print_json(
            {
                "total": total,
                "cards": [
                    {
                        "id": r.item.id,
                        "topic": r.item.topic,
                        "level": r.item.level,
                        "question": r.item.question,
                        "state": r.state,
                        "status": r.status,
                        "due": r.due.isoformat(timespec="seconds") if r.due else None,
                        "suspended": r.mark.suspended,
                        "flag": r.mark.flag,
                        "leech": r.mark.leech,
                    }
                    for r in rows
                ],
            }
        )
        return
    if not rows:
        console.print(f"No card holds every word of {query!r}.", markup=False)
        return
    table = Table(title=f"{total} card(s) match {escape(query)!r}", title_justify="left")
    id_width = max(len(r.item.id) for r in rows)
    room = max(12, min(60, console.width - id_width - 40))  # the question is cut, never the id (the key to act on)
    table.add_column("id", no_wrap=True, min_width=id_width)
    table.add_column("question", no_wrap=True, max_width=room)
    table.add_column("status")
    table.add_column("due", no_wrap=True)
    for r in rows:
        marks = ("suspended " if r.mark.suspended else "") + ("flagged " if r.mark.flag else "")
        marks += "leech" if r.mark.leech else ""
        table.add_row(
            escape(r.item.id),
            escape(_cut(r.item.question.replace("\n", " "), room)),
            f"{r.state}{' · ' + marks.strip() if marks else ''}",
            f"{r.due:%Y-%m-%d}" if r.due else "-",
        )
    console.print(table)
    if total > len(rows):
        console.print(f"[dim]{total - len(rows)} more: add words, or --limit {total}[/]")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@app.command("show")
def show(card_id: str = ID, as_json: bool = JSON) -> None:
    """The card, its status, due date, marks, your note and its review history."""
    from rich.markdown import Markdown
    from rich.markup import escape

    from mldrill.render import md_for_terminal
    from mldrill.study.deck import FLAGS, STATE_NAMES, get_mark, history
    from mldrill.study.scheduler import RATING_NAMES

    db, it = _card(card_id)
    m = get_mark(db, it.id)
    with db.session() as s:
        from mldrill.store import ItemState

        st = s.get(ItemState, it.id)
        state = STATE_NAMES.get(st.state, "review") if st else "new"
        due = st.due if st else None
        lapses = st.lapses if st else 0
    events = history(db, it.id)
    if as_json:
        print_json(
            {
                "id": it.id,
                "topic": it.topic,
                "level": it.level,
                "question": it.question,
                "answer": it.answer,
                "trap": it.trap,
                "state": state,
                "due": due.isoformat(timespec="seconds") if due else None,
                "lapses": lapses,
                "suspended": m.suspended,
                "buried_until": m.buried_until.isoformat(timespec="seconds") if m.buried_until else None,
                "flag": FLAGS[m.flag],
                "leech": m.leech,
                "note": m.note,
                "history": [
                    {"at": e.reviewed_at.isoformat(timespec="seconds"), "rating": RATING_NAMES[e.rating]}
                    for e in events
                ],
            }
        )
        return
    console.print(f"[bold]{escape(it.id)}[/]  [dim]{escape(it.topic)} · {it.level}[/]")
    console.print(Markdown(md_for_terminal(it.question)), style="bold")
    console.print(Markdown(md_for_terminal(it.answer)))
    if it.trap:
        console.print(Markdown(md_for_terminal("**Trap.** " + it.trap)))
    flags = [
        f"state {state}",
        f"due {due:%Y-%m-%d %H:%M} UTC" if due else "not studied yet",
        f"{lapses} lapse(s)",
    ]
    flags += ["suspended"] * m.suspended + ["leech"] * m.leech + ([f"flag {FLAGS[m.flag]}"] if m.flag else [])
    if m.buried_until:
        flags.append(f"buried until {m.buried_until:%Y-%m-%d %H:%M} UTC")
    console.print(" · ".join(flags), style="cyan", markup=False)
    if m.note:
        console.print(f"[bold]Your note:[/] {escape(m.note)}")
    for e in events:
        console.print(f"  {e.reviewed_at:%Y-%m-%d %H:%M}  {RATING_NAMES[e.rating]}", markup=False)


def _act(card_id: str, action: str, value: str = "") -> None:
    from mldrill.study.clock import utcnow
    from mldrill.study.deck import DeckError, act
    from mldrill.study.scheduler import load_settings

    db, it = _card(card_id)
    if action == "reset" and not typer.confirm(f"Forget every review of {card_id}?", default=False):
        fail("nothing reset")
    try:
        act(db, it, action, now=utcnow(), value=value, timezone=load_settings(db).timezone)
    except DeckError as e:
        fail(str(e))
    done = {
        "suspend": "suspended",
        "unsuspend": "unsuspended",
        "bury": "buried until tomorrow",
        "unbury": "back in today's drills",
        "flag": f"flagged {value or 'red'}",
        "unflag": "unflagged",
        "note": "note saved" if value.strip() else "note removed",
        "reset": "reset: new again",
    }
    console.print(f"{card_id}: {done[action]}", markup=False)


@app.command("suspend")
def suspend(card_id: str = ID) -> None:
    """Take the card out of every drill until you unsuspend it."""
    _act(card_id, "suspend")


@app.command("unsuspend")
def unsuspend(card_id: str = ID) -> None:
    """Put a suspended card back into the drills."""
    _act(card_id, "unsuspend")


@app.command("bury")
def bury(card_id: str = ID) -> None:
    """Leave the card out of the drills until tomorrow (your local day)."""
    _act(card_id, "bury")


@app.command("unbury")
def unbury(card_id: str = ID) -> None:
    """Bring a buried card back today."""
    _act(card_id, "unbury")


@app.command("flag")
def flag(
    card_id: str = ID, colour: str = typer.Argument("red", help="red, orange, green, blue, pink, ... or 1-7.")
) -> None:
    """Flag the card (Anki's colours)."""
    _act(card_id, "flag", colour)


@app.command("unflag")
def unflag(card_id: str = ID) -> None:
    """Remove the card's flag."""
    _act(card_id, "unflag")


@app.command("note")
def note(card_id: str = ID, text: str = typer.Argument(..., help='Your note; "" removes it.')) -> None:
    """Your note on the card, shown under its answer in the drills."""
    _act(card_id, "note", text)


@app.command("reset")
def reset(card_id: str = ID, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Forget the card's history: it becomes new again (your note and flag stay)."""
    if yes:
        from mldrill.study.clock import utcnow
        from mldrill.study.deck import act

        db, it = _card(card_id)
        act(db, it, "reset", now=utcnow())
        console.print(f"{card_id}: reset", markup=False)
        return
    _act(card_id, "reset")


@app.command("decks")
def decks_(as_json: bool = JSON) -> None:
    """Your imported decks with their card counts."""
    from mldrill.study.clock import utcnow
    from mldrill.study.deck import decks

    rows = decks(database(), now=utcnow())
    if as_json:
        print_json([{"deck": d.name, "cards": d.cards, "seen": d.seen, "due": d.due} for d in rows])
        return
    if not rows:
        console.print("No imported decks yet: `mldrill import FILE` (.md, .csv, Anki .txt or .apkg).", markup=False)
    for d in rows:
        console.print(f"{d.name}: {d.cards} cards, {d.seen} seen, {d.due} due", markup=False)


@app.command("delete-deck")
def delete_deck_(
    deck: str = typer.Argument(..., help="Deck name (see `mldrill cards decks`)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
) -> None:
    """Delete an imported deck and the history of its cards."""
    from mldrill.study.deck import DeckError, delete_deck

    if not yes and not typer.confirm(f"Delete deck {deck} and every review of its cards?", default=False):
        fail("nothing deleted")
    try:
        n = delete_deck(database(), deck)
    except DeckError as e:
        fail(str(e))
    console.print(f"deleted deck {deck} ({n} cards and their history)", markup=False)
