"""`mldrill lab list` and `mldrill lab NAME [--param value ...] [--out DIR] [--json]`: run an experiment, get its
figures as SVG and PNG and its numbers as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from mldrill.cli.common import console, err_console, fail, print_json


def _lab(name: str) -> Any:
    from mldrill.labs import LabError, get_lab

    try:
        return get_lab(name.replace("-", "_"))
    except LabError as e:
        fail(str(e))


def parse_params(args: list[str]) -> dict[str, str]:
    """`--n-keys 64 --scaled=true` -> {"n_keys": "64", "scaled": "true"}; a bare `--flag` means true."""
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("--"):
            fail(f"unexpected argument {a!r}: parameters are given as --name value")
        name, eq, value = a[2:].partition("=")
        if not eq:
            if i + 1 < len(args) and not args[i + 1].startswith("--"):
                value, i = args[i + 1], i + 1
            else:
                value = "true"
        out[name.replace("-", "_")] = value
        i += 1
    return out


def list_labs(as_json: bool) -> None:
    """The labs: id, title, area, topics and seconds at defaults."""
    from rich.table import Table

    from mldrill.labs import lab_infos

    labs = sorted(lab_infos(), key=lambda lab: (lab.area, lab.id))
    rows: list[dict[str, Any]] = [
        {"id": lab.id, "title": lab.title, "area": lab.area, "topics": list(lab.topics), "seconds": lab.seconds}
        for lab in labs
    ]
    if as_json:
        print_json(rows)
        return
    t = Table("id", "title", "area", "topics", "s", box=None, pad_edge=False)
    for r in rows:
        t.add_row(r["id"], r["title"], r["area"], ", ".join(r["topics"]), f"{r['seconds']:.1f}")
    console.print(t)


CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def lab(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="`list`, `warm`, or a lab's id: run it with --param value ..."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write SVG, PNG and JSON here (default: ./lab-NAME)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result (numbers, tables, text) as JSON."),
    show_params: bool = typer.Option(False, "--params", help="List the lab's parameters and exit."),
    no_predict: bool = typer.Option(False, "--no-predict", help="Skip the predict-first question."),
) -> None:
    """Labs: `mldrill lab list [--json]`, or `mldrill lab NAME [--param value ...] [--out DIR] [--json]` to run one
    and write its figures (SVG, PNG) and numbers (JSON). `mldrill lab NAME --params` lists its parameters;
    `mldrill lab warm` draws every lab at its defaults into the cache (topic pages then show their figures).
    In a terminal a lab with a predict-first question asks it before running (stored once, like the web's);
    `--json`, `--no-predict` and piped input skip it. `mldrill lab cache [--clear]` shows or empties the cache."""
    from mldrill.labs import LabError, coerce, run_lab

    if name in ("list", "warm"):
        if ctx.args:
            fail(f"unexpected arguments {' '.join(ctx.args)}")
        if name == "list":
            list_labs(as_json)
        else:
            warm()
        return
    if name == "cache":
        cache_command(list(ctx.args), as_json)
        return
    lab = _lab(name)
    if show_params:
        _print_params(lab)
        return
    try:
        params = coerce(lab, parse_params(list(ctx.args)))
    except LabError as e:
        fail(f"{e}\n" + _params_text(lab))
    prediction = None
    if lab.predict is not None and not as_json and not no_predict and interactive():
        prediction = ask_prediction(lab)
    result = _run_with_progress(lab, params, run_lab)
    out = out or Path(f"lab-{lab.id}")
    out.mkdir(parents=True, exist_ok=True)
    import json

    files = []
    for i, f in enumerate(result.figures, 1):
        stem = out / f"{lab.id}-{i}"
        stem.with_suffix(".svg").write_text(f.svg, encoding="utf-8")
        files.append(str(stem.with_suffix(".svg")))
        if f.png:
            stem.with_suffix(".png").write_bytes(f.png)
            files.append(str(stem.with_suffix(".png")))
    payload = {"lab": lab.id, "params": params, **result.to_json()}
    for f in payload["figures"]:
        f.pop("svg")
    (out / f"{lab.id}.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    files.append(str(out / f"{lab.id}.json"))
    if as_json:
        print_json({**payload, "files": files})
        return
    console.print(f"[bold]{lab.title}[/]")
    console.print(result.text, soft_wrap=True)
    for f in result.figures:
        _print_table(f.title, f.table)
    if prediction is not None:
        _print_verdict(lab, prediction)
    console.print("wrote " + ", ".join(files), style="dim")


def interactive() -> bool:
    """Ask questions only when a person is at a terminal on both ends (not piped, not under a test runner)."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def ask_prediction(lab: Any) -> Any:
    """The predict-first question with numbered choices, answered once and stored (table lab_prediction, as the web
    does); a lab already answered shows the stored answer instead of asking again."""
    import click

    from mldrill.cli.common import database
    from mldrill.study.labs import prediction_of, record_prediction

    q = lab.predict
    db = database()
    try:
        earlier = prediction_of(db, lab.id)
        if earlier is not None:
            console.print(f"[bold]Predict first:[/] {q.question}", soft_wrap=True)
            console.print(f"you answered on {earlier.answered_at:%Y-%m-%d}: {q.choices[earlier.choice]}", style="dim")
            return earlier
        console.print(f"[bold]Predict first:[/] {q.question}", soft_wrap=True)
        for i, c in enumerate(q.choices, 1):
            console.print(f"  {i}. {c}", soft_wrap=True)
        n = len(q.choices)
        choice = click.prompt(f"your prediction (1-{n})", type=click.IntRange(1, n), err=False) - 1
        return record_prediction(db, lab.id, choice, choice == q.answer)
    finally:
        db.close()


def _print_verdict(lab: Any, prediction: Any) -> None:
    q = lab.predict
    mark = "[green]right[/]" if prediction.correct else "[red]not quite[/]"
    console.print(f"Your prediction: {q.choices[prediction.choice]} — {mark}", soft_wrap=True)
    if not prediction.correct:
        console.print(f"Answer: {q.choices[q.answer]}", soft_wrap=True)
    console.print(q.why, style="dim", soft_wrap=True)


def cache_command(args: list[str], as_json: bool) -> None:
    """`mldrill lab cache`: where the cached results live, how many, how big; `--clear` deletes them,
    `--prune` drops stale and least recently used entries beyond the cap (every run does that too)."""
    from mldrill.labs._core import CACHE_MAX_BYTES, cache_info, clear_cache, prune_cache

    unknown = [a for a in args if a not in ("--clear", "--prune")]
    if unknown:
        fail(f"unexpected arguments {' '.join(unknown)}: `mldrill lab cache [--clear | --prune] [--json]`")
    removed = clear_cache() if "--clear" in args else prune_cache() if "--prune" in args else 0
    info = cache_info()
    payload = {
        "path": str(info.path),
        "files": info.files,
        "bytes": info.bytes,
        "stale": info.stale,
        "max_bytes": CACHE_MAX_BYTES,
        "removed": removed,
    }
    if as_json:
        print_json(payload)
        return
    if removed:
        console.print(f"removed {removed} cached result{'s' * (removed != 1)}")
    console.print(
        f"{info.files} cached lab result{'s' * (info.files != 1)}, {info.bytes / 2**20:.1f} MiB of "
        f"{CACHE_MAX_BYTES / 2**20:.0f} MiB ({info.stale} stale) in {info.path}",
        soft_wrap=True,
    )


def warm() -> None:
    """Draw every lab at its defaults into the cache, so topic pages show their figures at once."""
    from rich.progress import Progress

    from mldrill.labs import all_labs, run_lab

    labs = all_labs()
    with Progress(console=err_console) as p:
        task = p.add_task("drawing the labs' default figures", total=len(labs))
        for lab in labs:
            run_lab(lab, lab.defaults)
            p.advance(task)
    console.print(f"{len(labs)} labs drawn at their defaults and cached")


def _run_with_progress(lab: Any, params: dict[str, Any], run_lab: Any) -> Any:
    """A spinner-and-clock progress bar on stderr for anything expected to take over a second."""
    if lab.seconds <= 1.0:
        return run_lab(lab, params, png=True, use_cache=False)
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err_console
    ) as p:
        p.add_task(f"running {lab.id} (≈{lab.seconds:.0f} s at defaults)", total=None)
        return run_lab(lab, params, png=True, use_cache=False)


def _params_text(lab: Any) -> str:
    lines = [f"parameters of {lab.id}:"]
    for k, p in lab.params.items():
        rng = (
            f"one of {', '.join(p.choices)}"
            if p.kind == "choice"
            else "true/false"
            if p.kind == "bool"
            else f"{p.lo}..{p.hi}"
        )
        lines.append(f"  --{k.replace('_', '-')} ({p.kind}, {rng}, default {p.default}): {p.help}")
    return "\n".join(lines)


def _print_params(lab: Any) -> None:
    console.print(_params_text(lab), soft_wrap=True)


def _print_table(title: str, t: Any) -> None:
    from rich.table import Table

    rt = Table(*t.columns, title=title or None, box=None, pad_edge=False)
    for r in t.rows[:30]:
        rt.add_row(*(str(v) for v in r))
    console.print(rt)
    if len(t.rows) > 30:
        console.print(f"… {len(t.rows) - 30} more rows in the JSON", style="dim")
