"""`mldrill drill`: the interactive flashcard loop, with Anki's keys.

space/enter reveals, 1-4 rate (Again, Hard, Good, Easy), space/enter once the answer shows = Good, u or Ctrl+Z
undoes the last rating, - buries the card until tomorrow, @ suspends it, * flags it (again: unflags), ? lists the
keys, r (once the answer shows) reports a problem with the card (a note kept locally; `mldrill reports export`),
q (or Ctrl-C, Ctrl-D) quits with a summary. Each rating is committed before the next card appears. Your note on a
card (`mldrill cards note`) shows under its answer; a card that becomes a leech is announced.
"""

from __future__ import annotations

import os
import sys
import time

import typer

from mldrill.cli.common import catalog, console, database, fail, items

KEYS_REVEAL = (" ", "\r", "\n")
KEYS_UNDO = ("u", "\x1a")  # u, Ctrl+Z (the terminal's suspend key is switched off while a key is read)
KEYS_MARK = ("-", "@", "*")
KEYS_HELP = """[bold]Keys[/]  space/enter: show the answer, then Good · 1-4: Again, Hard, Good, Easy · u or Ctrl+Z: undo
      - bury until tomorrow · @ suspend · * flag/unflag · r report a problem (answer shown) · q quit"""


def read_key() -> str:
    """One keypress, unbuffered on a terminal; EOF reads as 'q'."""
    if not sys.stdin.isatty():
        return sys.stdin.read(1) or "q"
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)  # keeps ISIG, so Ctrl-C still interrupts ...
        attrs = termios.tcgetattr(fd)
        attrs[6][termios.VSUSP] = b"\x00"  # ... but Ctrl+Z is read as a key (undo), not a stop signal
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        data = os.read(fd, 32).decode(errors="ignore")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
    if not data or data == "\x04":
        return "q"
    return data[0]


def read_key_timed(seconds: int, allowed: tuple[str, ...]) -> str:
    """A key of `allowed`, or "" when `seconds` pass first, with a visible countdown on a terminal (rapid-fire).
    Without a terminal (piped input) there is no clock: the next allowed key is read."""
    if not sys.stdin.isatty():
        return read_choice(allowed)
    import math
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    deadline = time.monotonic() + seconds
    try:
        tty.setcbreak(fd)
        while (left := deadline - time.monotonic()) > 0:
            sys.stdout.write(f"\r⏱ {math.ceil(left)} s ")
            sys.stdout.flush()
            ready, _, _ = select.select([fd], [], [], min(0.25, left))
            if ready:
                data = os.read(fd, 32).decode(errors="ignore")
                key = "q" if not data or data == "\x04" else data[0]
                if key in allowed:
                    return key
        return ""
    finally:
        sys.stdout.write("\r\x1b[K")
        sys.stdout.flush()
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def read_choice(allowed: tuple[str, ...]) -> str:
    """Read keys until one of `allowed` comes (others are ignored, as in Anki)."""
    key = read_key()
    while key not in allowed:
        key = read_key()
    return key


def drill(
    topic: str | None = typer.Option(None, "--topic", "-t", help="Only this topic (id, see `mldrill topics`)."),
    level: str | None = typer.Option(None, "--level", "-l", help="Only this level: L1, L2 or L3."),
    area: str | None = typer.Option(
        None, "--area", "-a", help="Only this area (an id from `mldrill topics`, or user)."
    ),
    tag: str | None = typer.Option(None, "--tag", help="Only cards with this tag."),
    track: str | None = typer.Option(None, "--track", help="Only this track's cards (see `mldrill plan`)."),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="At most N cards (follow-ups come on top)."),
    status: str | None = typer.Option(
        None, "--status", help="Extra review of items with these statuses, e.g. shaky,unknown (due or not)."
    ),
    extra_new: int = typer.Option(0, "--extra-new", min=0, max=1000, help="N new cards beyond today's cap."),
    ahead: int = typer.Option(0, "--ahead", min=0, max=365, help="Review ahead: cards due in the next N days."),
    rapid_fire: bool = typer.Option(
        False, "--rapid-fire", help="Warm-up: one-sentence answers, a countdown per card (with --track or --area)."
    ),
    seconds: int = typer.Option(8, "--seconds", min=3, max=60, help="Rapid-fire: seconds per card."),
    count: int | None = typer.Option(
        None, "--count", min=1, max=1000, help="Rapid-fire: cards (default 20); --confused: pairs (default 3)."
    ),
    confused: bool = typer.Option(
        False, "--confused", help="Most-confused pairs: two cards back to back, then the one difference."
    ),
    pair: str | None = typer.Option(None, "--pair", help="--confused: only this pair (ids in `--confused --pair ?`)."),
) -> None:
    """Drill flashcards with spaced repetition (FSRS): due cards first, then new ones (interleaved across areas;
    with a track set by `mldrill config track ID`, new cards come from the track). --rapid-fire and --confused are
    the warm-up and most-confused-pairs modes; their ratings go to FSRS like any other."""
    from mldrill.study.plan import DrillChoice, start_drill
    from mldrill.study.status import STATUSES

    if level is not None and level.upper() not in ("L1", "L2", "L3"):
        fail(f"--level must be L1, L2 or L3, got {level!r}")
    wanted = {s.strip() for s in status.split(",")} if status else None
    if wanted and wanted - set(STATUSES):
        fail(f"unknown status {sorted(wanted - set(STATUSES))}; use {', '.join(STATUSES)}")
    from mldrill.catalog.areas import AREA_BY_ID
    from mldrill.catalog.suggest import did_you_mean
    from mldrill.study.items import USER_AREA

    cat = catalog()
    if topic and topic not in cat.topics and not topic.startswith(f"{USER_AREA}/"):
        fail(f"no topic '{topic}'{did_you_mean(topic, cat.topics) or '; see `mldrill topics`'}")
    if area and area not in AREA_BY_ID and area != USER_AREA:
        fail(f"no area '{area}'{did_you_mean(area, AREA_BY_ID)}; the areas are: {', '.join([*AREA_BY_ID, USER_AREA])}")
    if rapid_fire and confused:
        fail("choose one of --rapid-fire and --confused")
    if pair and not confused:
        fail("--pair goes with --confused")
    mode = "rapid" if rapid_fire else "confused" if confused else ""
    if mode and (topic or level or tag or status or limit or extra_new or ahead):
        fail(f"--{'rapid-fire' if rapid_fire else 'confused'} takes only --track/--area, --seconds, --count, --pair")
    if confused and (track or area):
        fail("--confused takes --pair and --count, not --track or --area")
    if count is not None and not mode:
        fail("--count goes with --rapid-fire or --confused (a drill takes --limit)")
    db = database()
    all_items = items(db)
    if mode:
        choice = DrillChoice(
            area=area, track=track, limit=count, mode=mode, seconds=seconds if rapid_fire else 0, pair=pair
        )
        try:
            session = start_drill(db, cat, all_items, choice)
        except ValueError as e:
            fail(str(e))
        if not session.queue:
            console.print(
                "[green]Nothing to warm up on here.[/] No card is due or seen, and today's new cards are done."
            )
            return
        try:
            _loop(session)
        except KeyboardInterrupt:
            console.print()
        _summary(session)
        return
    choice = DrillChoice(
        topic=topic,
        area=area,
        level=level.upper() if level else None,
        tag=tag,
        track=track,
        status=frozenset(wanted) if wanted else None,
        limit=limit,
        extra_new=extra_new,
        ahead_days=ahead,
    )
    try:
        session = start_drill(db, cat, all_items, choice)
    except ValueError as e:
        fail(str(e))
    if not session.queue:
        console.print("[green]Nothing to drill right now.[/] No card is due and today's new cards are done.")
        _after(session, choice)
        return
    try:
        _loop(session)
    except KeyboardInterrupt:
        console.print()
    _summary(session)
    _after(session, choice)


def _after(session: object, choice: object) -> None:
    """When the next card is due, and the cap: say when it is reached and how to study more."""
    from mldrill.study.clock import utcnow
    from mldrill.study.plan import DrillChoice
    from mldrill.study.scheduler import format_interval
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession) and isinstance(choice, DrillChoice)
    nxt = session.next_due()
    if nxt is not None:
        console.print(f"Next card due in [bold]{format_interval(nxt - utcnow())}[/] ({nxt:%Y-%m-%d %H:%M} UTC).")
    if session.cap_reached and not session.queue:
        n = min(session.more_new, 10)
        opts = " ".join(
            f"--{k} {v}"
            for k, v in (
                ("topic", choice.topic),
                ("area", choice.area),
                ("level", choice.level),
                ("tag", choice.tag),
                ("track", choice.track),
            )
            if v
        )
        console.print(
            f"Today's new-card limit is reached ({session.more_new} more new here). "
            f"Study {n} more: [bold]mldrill drill {opts + ' ' if opts else ''}--extra-new {n}[/]",
            soft_wrap=True,  # a command to copy: never broken across lines
        )


def _loop(session: object) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.text import Text

    from mldrill.render import md_for_terminal
    from mldrill.study.deck import get_mark
    from mldrill.study.scheduler import RATING_NAMES, format_interval
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession)
    colours = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
    while (item := session.current()) is not None:
        state = session.state_of(item.id)
        mark = get_mark(session.db, item.id)
        tag = "new" if state is None else f"seen {state.reps}x"
        tag += " · ⚑ flagged" if mark.flag else ""
        via = session.followup_of.get(item.id)
        c = session.counts()
        console.print(
            Rule(
                f"{item.topic} · {item.level} · {tag} · {c['new']} new · {c['learning']} learning · "
                f"{c['review']} review" + (f" · +{c['followups']} follow-ups" if c["followups"] else ""),
                style="dim",
            )
        )
        if via:
            console.print(f"[magenta]↳ follow-up of {via}[/]")
        role = session.roles.get(item.id, "")
        if role:
            console.print(f"[magenta]{role}[/]", highlight=False)
        if role.endswith("the one difference"):
            from mldrill.study.confused import DIFFERENCE_PROMPT

            console.print(DIFFERENCE_PROMPT, style="bold")
            console.print(Markdown(md_for_terminal(item.question)), style="dim")
        else:
            console.print(Markdown(md_for_terminal(item.question)), style="bold")
        console.print("[dim]space/enter reveal · u undo · - bury · @ suspend · * flag · ? keys · q quit[/]")
        shown = time.monotonic()
        first_keys = (*KEYS_REVEAL, *KEYS_UNDO, *KEYS_MARK, "?", "q")
        if session.mode == "rapid":
            key = read_key_timed(session.seconds, first_keys)
            if key == "":
                console.print("[yellow]⏱ time's up[/]")
                key = " "
        else:
            key = read_choice(first_keys)
        while key == "?":
            console.print(KEYS_HELP)
            key = read_choice((*KEYS_REVEAL, *KEYS_UNDO, *KEYS_MARK, "?", "q"))
        if key == "q":
            return
        if key in KEYS_UNDO:
            _undo(session)
            continue
        if key in KEYS_MARK:
            _mark(session, item, key)
            continue
        if session.mode == "rapid":
            from mldrill.study.rapid import first_sentence

            console.print(Panel(Markdown(md_for_terminal(first_sentence(item.answer))), title="in one sentence"))
        else:
            console.print(Panel(Markdown(md_for_terminal(item.answer)), title="answer", border_style="green"))
        if item.trap and session.mode != "rapid":
            console.print(Panel(Markdown(md_for_terminal(item.trap)), title="trap", border_style="yellow"))
        if mark.note:
            console.print(Panel(Markdown(md_for_terminal(mark.note)), title="your note", border_style="magenta"))
        if item.sources and session.mode != "rapid":
            console.print(Text("Sources:", style="dim"))
            for src in item.sources:
                console.print(Text(f"  • {md_for_terminal(src)}", style="dim"))
        previews = session.preview(item.id)
        buttons = "  ".join(
            f"[{colours[r]}]{r} {n}[/] ({format_interval(previews[r])})" for r, n in RATING_NAMES.items()
        )
        console.print(f"{buttons}  [dim]· space Good · u undo · r report · ? keys · q quit[/]")
        allowed = ("1", "2", "3", "4", *KEYS_REVEAL, *KEYS_UNDO, *KEYS_MARK, "r", "?", "q")
        key = read_choice(allowed)
        while key in ("r", "?"):
            if key == "r":
                _report(session, item)
            else:
                console.print(KEYS_HELP)
            key = read_choice(allowed)
        if key == "q":
            return
        if key in KEYS_UNDO:
            _undo(session)
            continue
        if key in KEYS_MARK:
            _mark(session, item, key)
            continue
        rating = 3 if key in KEYS_REVEAL else int(key)
        rated = session.rate(rating, duration_ms=int((time.monotonic() - shown) * 1000))
        console.print(
            f"[{colours[rated.rating]}]✓ {RATING_NAMES[rated.rating]}[/] — next in {format_interval(rated.interval)}"
            f" · status {rated.status}"
        )
        if rated.leech:
            console.print(f"[bold red]Leech:[/] {rated.leech}", highlight=False)


def _mark(session: object, item: object, key: str) -> None:
    """- bury until tomorrow, @ suspend (both leave the queue at once), * flag red or unflag."""
    from mldrill.study.items import Item
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession) and isinstance(item, Item)
    action = session.mark(item.id, {"-": "bury", "@": "suspend", "*": "flag"}[key])
    what = {
        "flag": "⚑ flagged",
        "unflag": "flag removed",
        "bury": "buried until tomorrow",
        "suspend": "suspended (mldrill cards unsuspend ID)",
    }[action]
    console.print(f"[cyan]{item.id}: {what}[/]  [dim]u undoes[/]", highlight=False)


def _report(session: object, item: object) -> None:
    """Ask for a note and keep it with the card's id and content version; an empty note reports nothing."""
    from mldrill.study.items import Item
    from mldrill.study.reports import ReportError, report_card
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession) and isinstance(item, Item)
    try:
        note = console.input("[bold]What is wrong with this card?[/] (enter to cancel) ")
    except EOFError:
        note = ""
    if not note.strip():
        console.print("[dim]no report[/]  then rate: 1-4")
        return
    try:
        report_card(session.db, item, note)
    except ReportError as e:
        console.print(f"[red]{e}[/]")
        return
    console.print("[cyan]✓ report saved on this computer[/] (mldrill reports export FILE.md)  then rate: 1-4")


def _undo(session: object) -> None:
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession)
    back = session.undo()
    what = "the rating" if session.last_undone == "rating" else f"the {session.last_undone}"
    console.print(f"[cyan]↶ undid {what} of {back.id}[/]" if back else "[dim]nothing to undo yet[/]")


def _summary(session: object) -> None:
    from mldrill.study.session import DrillSession

    assert isinstance(session, DrillSession)
    s = session.summary()
    console.print(
        f"[bold]Session done.[/] {s['reviewed']} rating(s) on {s['distinct_items']} card(s): "
        f"[red]{s['again']} again[/], [yellow]{s['hard']} hard[/], "
        f"[green]{s['good']} good[/], [blue]{s['easy']} easy[/]"
        f"; {s['left_in_queue']} left in the queue."
    )
