"""`mldrill kata list|start|check|hint|solution`: the LeetCode loop for ML, in your own editor."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import typer

from mldrill.cli.common import console, database, err_console, fail, print_json

app = typer.Typer(help="Katas: implement the piece from scratch, check it against hidden tests.", no_args_is_help=True)


def _kata(kata_id: str) -> Any:
    from mldrill.catalog.katas import get_katas
    from mldrill.catalog.suggest import did_you_mean

    katas = get_katas()
    if kata_id not in katas:
        fail(f"no kata '{kata_id}'{did_you_mean(kata_id, katas) or '; see `mldrill kata list`'}")
    return katas[kata_id]


def workspace(kata: Any) -> Path:
    from mldrill.study.katas import workspace_path

    return workspace_path(kata)


@app.command("list")
def list_katas(
    topic: str | None = typer.Option(None, "--topic", "-t", help="Only katas of this topic."),
    level: str = typer.Option("", "--level", "-l", help="Only this level: L1, L2 or L3."),
    framework: str = typer.Option("", "--framework", "-f", help="Only numpy or only torch katas."),
    area: str = typer.Option("", "--area", "-a", help="Only this SYLLABUS area (see `mldrill topics`)."),
    show: str = typer.Option("", "--show", "-s", help="unsolved, solved or due (solved and due for review)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the katas with your attempts, whether solved, when each is next due and how many classic bugs its checks
    catch; the filters combine."""
    from mldrill.catalog.areas import AREA_BY_ID
    from mldrill.catalog.katas import get_katas
    from mldrill.study.clock import utcnow
    from mldrill.study.katas import SHOW, kata_statuses, select_katas

    for name, value, allowed in (
        ("--level", level, ("L1", "L2", "L3")),
        ("--framework", framework, ("numpy", "torch")),
        ("--area", area, tuple(AREA_BY_ID)),
        ("--show", show, SHOW),
    ):
        if value and value not in allowed:
            fail(f"{name} {value!r}: expected one of {', '.join(allowed)}")
    katas = [k for k in get_katas().values() if not topic or k.spec.topic == topic]
    statuses = kata_statuses(database(), katas)
    rows = [
        {
            "id": st.kata.id,
            "title": st.kata.spec.title,
            "topic": st.kata.spec.topic,
            "level": st.kata.spec.level,
            "framework": st.kata.spec.framework + (" (needs torch)" if st.kata.missing_requirement() else ""),
            "attempts": st.attempts,
            "solved": st.solved,
            "due": st.due.isoformat(timespec="seconds") if st.due else None,
            "catches": st.kata.kill_count,  # classic bugs its checks are shown to catch (tests/grader/test_mutants.py)
        }
        for st in select_katas(statuses, level=level, framework=framework, area=area, show=show, now=utcnow())
    ]
    if as_json:
        print_json(rows)
        return
    from mldrill.cli.common import short_date, table

    cols = [("id", "id"), ("text", "title"), ("id?", "topic"), ("id", "level"), ("text?", "framework")]
    cols += [("num?", "tries"), ("id", "solved"), ("id?", "due"), ("num?", "catches")]
    cells = [
        [
            str(r["id"]),
            str(r["title"]),
            str(r["topic"]),
            str(r["level"]),
            str(r["framework"]),
            str(r["attempts"]),
            "✓" if r["solved"] else "",
            short_date(str(r["due"] or "")),
            str(r["catches"] or ""),
        ]
        for r in rows
    ]
    console.print(table(f"Katas ({len(rows)})", cols, cells))


@app.command("start")
def start(
    kata_id: str = typer.Argument(..., help="Kata id (see `mldrill kata list`)."),
    force: bool = typer.Option(False, "--force", help="Overwrite your existing work with the starter."),
) -> None:
    """Write the starter into your workspace and print the statement and the file's path."""
    from rich.markdown import Markdown

    from mldrill.render import md_for_terminal
    from mldrill.store.backup import write_atomic
    from mldrill.study.katas import mark_started

    kata = _kata(kata_id)
    path = workspace(kata)
    if path.exists() and not force:
        console.print(f"[yellow]keeping your existing work[/] in {path} (use --force to start over)")
    else:
        write_atomic(path, kata.starter())
    mark_started(database(), kata.id)
    if kata.missing_requirement():
        err_console.print(f"[yellow]note:[/] {kata.missing_requirement()}")
    console.print(f"[bold]{kata.spec.title}[/]  [dim]{kata.id} · {kata.spec.topic} · {kata.spec.level}[/]")
    console.print(Markdown(md_for_terminal(kata.spec.statement)))
    console.print(f"\nedit:  {path}\ncheck: mldrill kata check {kata.id}")


@app.command("check")
def check_cmd(
    kata_id: str = typer.Argument(..., help="Kata id."),
    file: Path | None = typer.Argument(None, help="Your solution (default: the workspace file from `kata start`)."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Draw the hidden inputs from this seed (replays a run; default: a fresh one)."
    ),
) -> None:
    """Run the hidden checks on your solution in the sandbox; each failure explains the trap it guards."""
    from rich.markup import escape
    from rich.table import Table

    from mldrill.web.handoff import Unavailable, hand_off

    if file is not None and not file.is_file():
        fail(f"{file} does not exist")
    source = file.read_text(encoding="utf-8") if file is not None else None
    try:  # a running `mldrill serve` answers from its warm grader; else this process starts its own
        with console.status(f"checking {file.name if file else 'your solution'} against {kata_id} ..."):
            verdict, result = _from_server(hand_off(kata_id, source, seed=seed))
    except Unavailable:
        verdict, result = _check_here(kata_id, file, seed)
    except RuntimeError as e:
        fail(str(e))
    if as_json:
        print_json({**verdict.to_dict(), "attempt": result.attempts, "rating": result.rating, "due": result.due})
        raise typer.Exit(0 if verdict.passed else 1)
    table = Table(title=f"{verdict.kata_id}: attempt {result.attempts}", title_justify="left", show_lines=True)
    for col in ("", "check", "time", "details"):
        table.add_column(col)
    for c in verdict.checks:
        detail = "" if c.passed else escape(c.message)
        for label, text in (("input", c.input), ("expected", c.expected), ("got", c.actual)):
            if text:
                call = f" (call {c.call})" if label == "input" and c.call else ""
                detail += f"\n[cyan]{label}{call}:[/]\n{escape(text)}"
        if not c.passed:
            detail += f"\n[yellow]why it matters:[/] {escape(c.explanation)}"
        table.add_row("[green]✓[/]" if c.passed else "[red]✗[/]", c.name, f"{c.duration_s * 1e3:.0f} ms", detail)
    if verdict.checks:
        console.print(table)
    colour = {"passed": "green", "failed": "red"}.get(verdict.status, "magenta")
    console.print(
        f"[bold {colour}]{verdict.status.upper()}[/] in {verdict.total_s:.2f} s  {verdict.message}", soft_wrap=True
    )
    if verdict.seed is not None:
        console.print(
            f"[dim]seed {verdict.seed} — replay with: mldrill kata check {verdict.kata_id} --seed {verdict.seed}[/]"
        )
    if verdict.stdout_tail:
        err_console.print(f"[dim]your output (last lines):[/]\n{verdict.stdout_tail[-2000:]}", soft_wrap=True)
    if result.rating is not None and result.due is not None:
        console.print(f"scheduled: rated {result.rating_name}, next review {result.due:%Y-%m-%d %H:%M} UTC")
    raise typer.Exit(0 if verdict.passed else 1)


def _check_here(kata_id: str, file: Path | None, seed: int | None) -> tuple[Any, SimpleNamespace]:
    """Check in this process's own grader: its worker starts (and imports NumPy) while the checks are built."""
    from mldrill.grader.api import KataUnavailable, check, default_pool

    kata = _kata(kata_id)
    path = file or workspace(kata)
    if not path.is_file():
        fail(f"{path} does not exist; run `mldrill kata start {kata.id}` first, or pass a file")
    source = path.read_text(encoding="utf-8")
    if not kata.missing_requirement():
        default_pool().warm(kata.spec.framework, wait=False)
    from mldrill.study.katas import record_attempt
    from mldrill.study.scheduler import RATING_NAMES

    try:
        with console.status(f"checking {path.name} against {kata.id} ..."):
            verdict = check(kata.id, source, seed=seed)
    except KataUnavailable as e:
        fail(str(e))
    result = record_attempt(database(), kata, verdict, source)
    name = RATING_NAMES[result.rating] if result.rating is not None else None
    return verdict, SimpleNamespace(attempts=result.attempts, rating=result.rating, rating_name=name, due=result.due)


def _from_server(got: dict[str, Any]) -> tuple[Any, SimpleNamespace]:
    """The verdict and attempt a server sent, as the objects a local check gives."""
    import dataclasses
    from datetime import datetime

    from mldrill.grader.verdict import CheckResult, Verdict

    names = {f.name for f in dataclasses.fields(Verdict)}
    verdict = Verdict(**{k: v for k, v in got.items() if k in names and k != "checks"})
    verdict.checks = [CheckResult(**c) for c in got.get("checks", [])]
    due = datetime.fromisoformat(got["due"]) if got.get("due") else None
    return verdict, SimpleNamespace(
        attempts=got["attempt"], rating=got["rating"], rating_name=got.get("rating_name"), due=due
    )


@app.command("hint")
def hint(kata_id: str = typer.Argument(..., help="Kata id.")) -> None:
    """Show the next hint (they come one at a time, in order)."""
    from mldrill.study.katas import next_hint

    kata = _kata(kata_id)
    got = next_hint(database(), kata)
    if got is None:
        console.print(
            f"no more hints ({len(kata.spec.hints)} shown). `mldrill kata solution {kata.id}` after an attempt."
        )
        return
    n, text = got
    console.print(f"[bold]hint {n}/{len(kata.spec.hints)}[/] {text}")


@app.command("solution")
def solution(kata_id: str = typer.Argument(..., help="Kata id.")) -> None:
    """Show the reference solution (after at least one attempt)."""
    import inspect

    from rich.syntax import Syntax

    from mldrill.study.katas import real_attempts

    kata = _kata(kata_id)
    if not real_attempts(database(), kata):
        fail(
            "try it first: the solution opens after one attempt that changes the starter "
            f"(`mldrill kata check {kata.id}`)"
        )
    obj = kata.solution()
    console.print(f"[dim]{kata.spec.solution} ({inspect.getsourcefile(obj)})[/]")
    console.print(Syntax(inspect.getsource(obj), "python", line_numbers=False))
