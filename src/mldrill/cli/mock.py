"""`mldrill mock`: a timed mock interview in the terminal; `mldrill mock list`, `mldrill mock report ID`.

Each card: the question with the session clock; type your answer (or say it aloud, then type the key words), a blank
line ends it; then the vetted answer, its numbered key points and the trap. Tick the points you hit ("1 3", "a" all,
"n" none, Enter keeps the suggested ones when the offline answer check made some), say whether you fell into the trap
(y/n), and accept the rating the ticks give (Enter) or type 1-4. The kata: its starter is written to a file; edit it
in your editor and press Enter to check it in the sandbox (g gives up). The report follows; every card was rated
into your review queue. Ctrl-C leaves the mock where it is: `mldrill mock --resume ID` carries on.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape as esc  # content in f-strings: 'E[x²]' is not a style tag

from mldrill.cli.common import catalog, console, database, fail, items, print_json

app = typer.Typer(help="Mock interviews: timed cards with follow-ups and one kata, then a report.")


def _now() -> Any:
    from mldrill.study.clock import utcnow

    return utcnow()


@app.callback(invoke_without_command=True)
def mock(
    ctx: typer.Context,
    minutes: int = typer.Option(30, "--minutes", "-m", help="Length: 15, 30 or 45 minutes."),
    track: str | None = typer.Option(
        None, "--track", help="Cards of this track (default: your track, `mldrill config track`; see `mldrill plan`)."
    ),
    area: list[str] = typer.Option([], "--area", "-a", help="Cards of this area (repeat for several)."),
    levels: str = typer.Option("L1,L2,L3", "--levels", help="Levels to mix, e.g. L2,L3."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Draw the cards from this seed (a replayable plan)."),
    resume: int | None = typer.Option(None, "--resume", help="Carry on with an unfinished mock (its id)."),
) -> None:
    """Run a mock interview: cards of rising level with follow-ups after good answers, then one kata."""
    if ctx.invoked_subcommand is not None:
        return
    from mldrill.study.mock_run import MockChoice, MockError, get_mock, start_mock

    if track and area:
        fail("choose a track or areas, not both")
    db, cat = database(), catalog()
    all_items = items(db)
    if resume is not None:
        try:
            if get_mock(db, resume).finished_at is not None:
                fail(f"mock #{resume} is finished: `mldrill mock report {resume}`")
        except MockError as e:
            fail(str(e))
        mock_id = resume
    else:
        if not track and not area:  # your study track (`mldrill config track ID`), when set
            from mldrill.study.scheduler import load_settings

            track = load_settings(db).track
        choice = MockChoice(
            minutes=minutes,
            track=track,
            areas=tuple(area),
            levels=tuple(lv.strip().upper() for lv in levels.split(",") if lv.strip()),
            seed=seed,
        )
        try:
            mock_id = start_mock(db, cat, all_items, choice, now=_now())
        except MockError as e:
            fail(str(e))
    _intro(db, mock_id)
    try:
        _loop(db, cat, all_items, mock_id)
    except (KeyboardInterrupt, EOFError):
        console.print(f"\n[yellow]Mock #{mock_id} left where it was.[/] Carry on: mldrill mock --resume {mock_id}")
        raise typer.Exit(1) from None
    _print_report(db, cat, all_items, mock_id)


def _intro(db: Any, mock_id: int) -> None:
    from mldrill.catalog.katas import get_katas
    from mldrill.study.mock import ANSWER_TARGET, MockPlan, clock
    from mldrill.study.mock_run import get_mock

    m = get_mock(db, mock_id)
    plan = MockPlan.from_dict(m.plan)
    kata = get_katas().get(plan.kata or "")
    lo, hi = ANSWER_TARGET
    console.print(
        f"[bold]Mock interview #{mock_id}[/] · {m.minutes} min · {esc(str(m.scope.get('describe', '')))}\n"
        f"up to {plan.card_slots} cards ({clock(plan.card_seconds)}, aim for {lo}-{hi} s an answer)"
        + (f", then the kata {esc(kata.spec.title)} ({clock(plan.kata_seconds)})" if kata else ", no kata")
    )


def _elapsed(m: Any) -> str:
    from mldrill.study.mock import clock

    return f"⏱ {clock((_now() - m.started_at).total_seconds())} / {m.minutes}:00"


def _loop(db: Any, cat: Any, all_items: dict[str, Any], mock_id: int) -> None:
    from mldrill.study.mock_run import current

    while True:
        cur = current(db, mock_id)
        if cur.phase == "answer":
            _ask(db, cur, all_items)
        elif cur.phase == "review":
            _review(db, cat, all_items, cur)
        elif cur.phase == "kata":
            _kata(db, mock_id)
        else:
            return


def _ask(db: Any, cur: Any, all_items: dict[str, Any]) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule

    from mldrill.render import md_for_terminal
    from mldrill.study.mock import timing
    from mldrill.study.mock_run import MAX_ANSWER, submit_answer

    row, m = cur.row, cur.mock
    item = all_items[row.item_id]
    console.print(
        Rule(f"card {cur.position}/{cur.plan.card_slots} · {item.level} · {item.topic} · {_elapsed(m)}", style="dim")
    )
    if row.followup_of:
        console.print(f"[magenta]↳ follow-up: the interviewer pushes further on {esc(row.followup_of)}[/]")
    console.print(Markdown(md_for_terminal(item.question)), style="bold")
    console.print("[dim]Your answer (type it, or say it aloud and type the key words); a blank line ends it:[/]")
    lines: list[str] = []
    while True:
        while (line := input()).strip() or not lines:
            if line.strip():
                lines.append(line)
        if len(text := "\n".join(lines)) <= MAX_ANSWER:
            break
        console.print(f"[red]{len(text)} characters: an answer is at most {MAX_ANSWER}.[/] Type it again, shorter:")
        lines = []
    answered = _now()  # before the answer check, whose first call loads the model for seconds
    submit_answer(db, m.id, row.item_id, text, now=answered, trap=item.trap)
    secs = (answered - row.shown_at).total_seconds()
    word = {"short": "short of 60 s", "long": "over 90 s", "ok": "in the 60-90 s range"}[timing(secs)]
    console.print(f"[dim]answered in {secs:.0f} s ({word})[/]")


def _review(db: Any, cat: Any, all_items: dict[str, Any], cur: Any) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel

    from mldrill.render import md_for_terminal
    from mldrill.study.mock import rating_from_ticks
    from mldrill.study.mock_run import MockError, submit_ticks
    from mldrill.study.scheduler import RATING_NAMES

    row = cur.row
    item = all_items[row.item_id]
    console.print(Panel(Markdown(md_for_terminal(item.answer)), title="vetted answer", border_style="green"))
    points = list(row.key_points)
    suggested = list(row.suggested or [])
    for i, p in enumerate(points, 1):
        mark = " [cyan](suggested)[/]" if suggested and suggested[i - 1] else ""
        console.print(f"  [bold]{i}[/]. {esc(md_for_terminal(p))}{mark}")
    if item.trap:
        extra = " [cyan](your answer may state it: suggested)[/]" if row.suggested_trap else ""
        console.print(Panel(Markdown(md_for_terminal(item.trap)), title="the trap" + extra, border_style="yellow"))
    ticks: list[bool] = []
    trap = False
    rating: int | None = None
    if points:
        ticks = _read_ticks(len(points), suggested)
        if item.trap:
            trap = _yes_no("Did you fall into the trap? (y/n) ", default=bool(row.suggested_trap))
        proposed = rating_from_ticks(ticks, trap)
        got = input(
            f"Rating: {RATING_NAMES[proposed]} ({sum(ticks)} of {len(points)} key points"
            + (", trap" if trap else "")
            + ") — Enter to accept, or 1-4: "
        ).strip()
        rating = int(got) if got in ("1", "2", "3", "4") else None
    else:
        console.print("[yellow]This card has no key points yet:[/] compare with the vetted answer and rate yourself.")
        got = ""
        while got not in ("1", "2", "3", "4"):
            got = input("1 Again · 2 Hard · 3 Good · 4 Easy: ").strip()
        rating = int(got)
    try:
        given = submit_ticks(
            db, cat, all_items, cur.mock.id, row.item_id, ticks=ticks, trap_fell=trap, rating=rating, now=_now()
        )
    except MockError as e:
        console.print(f"[red]{esc(str(e))}[/]")
        return
    if given is not None:
        colour = {1: "red", 2: "yellow", 3: "green", 4: "blue"}[given]
        console.print(f"[{colour}]✓ {RATING_NAMES[given]}[/] — into your review queue")


def _read_ticks(n: int, suggested: list[bool]) -> list[bool]:
    default = " ".join(str(i + 1) for i, s in enumerate(suggested) if s)
    hint = f" [Enter: {default or 'none'}, the suggested]" if suggested else ""
    while True:
        got = input(f"Key points you hit (e.g. '1 3', a = all, n = none){hint}: ").strip().lower()
        if not got and suggested:
            return [bool(s) for s in suggested]
        if got in ("a", "all"):
            return [True] * n
        if got in ("n", "none", "0"):
            return [False] * n
        picks = got.replace(",", " ").split()
        if picks and all(p.isdigit() and 1 <= int(p) <= n for p in picks):
            return [str(i + 1) in picks for i in range(n)]
        console.print(f"[red]numbers from 1 to {n}, a or n[/]")


def _yes_no(prompt: str, *, default: bool) -> bool:
    while True:
        got = input(prompt).strip().lower()
        if not got:
            return default
        if got in ("y", "yes", "n", "no"):
            return got.startswith("y")


def kata_file(mock_id: int, entry: str) -> Path:
    from platformdirs import user_data_path

    return user_data_path("mldrill", appauthor=False) / "mock" / str(mock_id) / f"{entry}.py"


def _kata(db: Any, mock_id: int) -> None:
    from rich.markdown import Markdown

    from mldrill.catalog.katas import get_katas
    from mldrill.render import md_for_terminal
    from mldrill.store.backup import write_atomic
    from mldrill.study.mock import clock
    from mldrill.study.mock_run import end_kata, get_mock, kata_checked, save_kata_source

    m = get_mock(db, mock_id)
    kata = get_katas()[m.kata_id or ""]
    path = kata_file(mock_id, kata.spec.entry)
    if not path.exists():
        write_atomic(path, m.kata_source or kata.starter())
    budget = m.plan.get("kata_seconds", 0)
    console.rule(f"kata {kata.id} · {kata.spec.level} · {clock(budget)} · {_elapsed(m)}", style="dim")
    console.print(f"[bold]Kata: {esc(kata.spec.title)}[/]")
    console.print(Markdown(md_for_terminal(kata.spec.statement)))
    console.print(f"Implement {esc(kata.spec.signature)}")
    console.print(f"file: {path}", soft_wrap=True)
    while True:
        spent = (_now() - (m.kata_started_at or m.started_at)).total_seconds()
        got = input(f"[{clock(spent)} of {clock(budget)}] Edit the file, then Enter to check it (g gives up): ")
        if got.strip().lower() in ("g", "q"):
            end_kata(db, mock_id, now=_now())
            console.print("[yellow]kata given up[/] — rated Again, it comes back in your queue")
            return
        source = path.read_text(encoding="utf-8")
        save_kata_source(db, mock_id, source)
        verdict = _check(kata.id, source)
        if verdict is None:
            end_kata(db, mock_id, now=_now())
            return
        kata_checked(db, mock_id, verdict, source, now=_now())
        for c in verdict.checks:
            if not c.passed:
                console.print(
                    f"[red]✗ {esc(c.name)}[/]: {esc(c.message)}\n  [yellow]why it matters:[/] {esc(c.explanation)}"
                )
        colour = {"passed": "green", "failed": "red"}.get(verdict.status, "magenta")
        passed = sum(c.passed for c in verdict.checks)
        console.print(
            f"[bold {colour}]{verdict.status.upper()}[/] {passed}/{len(verdict.checks)} checks {esc(verdict.message)}"
        )
        if verdict.status == "passed":
            return


def _check(kata_id: str, source: str) -> Any:
    from mldrill.grader.api import KataUnavailable, check

    start = time.monotonic()
    try:
        with console.status("checking in the sandbox ..."):
            verdict = check(kata_id, source)
    except KataUnavailable as e:
        console.print(f"[red]{esc(str(e))}[/]")
        return None
    console.print(f"[dim]checked in {time.monotonic() - start:.1f} s[/]")
    return verdict


def _print_report(db: Any, cat: Any, all_items: dict[str, Any], mock_id: int) -> None:
    from rich.markdown import Markdown

    from mldrill.study.mock_report import to_markdown
    from mldrill.study.mock_run import report

    console.print(Markdown(to_markdown(report(db, cat, all_items, mock_id, now=_now()))))
    console.print(f"Export it: mldrill mock report {mock_id} --md mock-{mock_id}.md", soft_wrap=True)


@app.command("list")
def list_mocks(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Past mock interviews, oldest first, with their score and its trend."""
    from mldrill.cli.common import table
    from mldrill.study.mock_report import trend_rows
    from mldrill.study.mock_run import list_mocks as all_mocks

    db = database()
    rows = trend_rows(all_mocks(db, catalog(), items(db), now=_now()))
    if as_json:
        print_json([{**r.to_dict(), "trend": t} for r, t in rows])
        return
    cols = [("num", "id"), ("id", "started"), ("num", "min"), ("text", "scope"), ("num", "score"), ("id", "trend")]
    cols += [("text?", "kata"), ("id?", "state")]
    cells = [
        [
            str(r.mock_id),
            f"{r.started_at:%Y-%m-%d %H:%M}",
            str(r.minutes),
            esc(r.scope),
            "–" if r.score is None else f"{r.score:.0%}",
            t,
            esc(f"{r.kata.title}: {r.kata.status}") if r.kata else "",
            "done" if r.finished else "unfinished",
        ]
        for r, t in rows
    ]
    console.print(table(f"Mock interviews ({len(rows)})", cols, cells))


@app.command("report")
def report_cmd(
    mock_id: int = typer.Argument(..., help="The mock's id (see `mldrill mock list`)."),
    md: Path | None = typer.Option(
        None, "--md", help="Write the report as Markdown to this file (- for standard output)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A mock's report: per-area scores, key points, traps, time per answer, the kata, what to study next."""
    from mldrill.study.mock_report import to_markdown
    from mldrill.study.mock_run import MockError, report

    db = database()
    try:
        r = report(db, catalog(), items(db), mock_id, now=_now())
    except MockError as e:
        fail(str(e))
    if as_json:
        print_json(r.to_dict())
        return
    text = to_markdown(r)
    if md is not None and str(md) == "-":  # the usual "standard output", not a file named "-"
        sys.stdout.write(text)
        return
    if md is not None:
        from mldrill.store.backup import write_atomic

        write_atomic(md, text)
        console.print(f"wrote {md}")
        return
    from rich.markdown import Markdown

    console.print(Markdown(text))
