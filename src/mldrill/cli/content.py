"""`mldrill content check`: validate every topic file, report every problem with file and line."""

from __future__ import annotations

import typer

from mldrill.cli.common import console, print_json

app = typer.Typer(help="Work with the content catalog (topics and cards).", no_args_is_help=True)


@app.command("check")
def check(
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
    no_refs: bool = typer.Option(False, "--no-refs", help="Skip importing the `refs` targets (faster)."),
) -> None:
    """Validate all topic files: schema, unique ids, links (follow-ups, katas, labs), areas, importable refs."""
    from mldrill.catalog import load_catalog, validate
    from mldrill.catalog.katas import load_katas
    from mldrill.catalog.loader import content_root
    from mldrill.labs import lab_ids

    cat = load_catalog(content_root())
    katas, kata_problems = load_katas()
    problems = sorted(
        kata_problems + validate(cat, check_refs=not no_refs, kata_ids=set(katas), lab_ids=set(lab_ids()))
    )
    if as_json:
        print_json(
            {
                "ok": not problems,
                "topics": len(cat.topics),
                "cards": len(cat.cards),
                "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in problems],
            }
        )
    else:
        for p in problems:
            console.print(f"[bold]{p.file}:{p.line}[/]: {p.message}", soft_wrap=True)
        verdict = "[green]clean[/]" if not problems else f"[red]{len(problems)} problem(s)[/]"
        console.print(f"{len(cat.topics)} topics, {len(cat.cards)} cards: {verdict}")
    raise typer.Exit(1 if problems else 0)


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Cards per area against each area's target, with the share of L3 cards and of cards with follow-ups."""
    from dataclasses import asdict

    from rich.table import Table

    from mldrill.catalog import load_catalog
    from mldrill.catalog.coverage import coverage
    from mldrill.catalog.loader import content_root

    rows = coverage(load_catalog(content_root()))
    if as_json:
        print_json([{**asdict(r), "met": r.met} for r in rows])
        return
    table = Table(title="Knowledge base coverage", title_justify="left")
    for col in ("area", "topics", "cards", "target", "L3", "follow-ups"):
        table.add_column(col, justify="left" if col == "area" else "right")
    for r in rows:
        colour = "green" if r.met else "red"
        l3 = f"{r.l3 / r.cards:.0%}" if r.cards else "-"
        fu = f"{r.with_followups / r.cards:.0%}" if r.cards else "-"
        table.add_row(r.area, str(r.topics), f"[{colour}]{r.cards}[/]", str(r.target), l3, fu)
    n = sum(r.cards for r in rows)
    l3_all = sum(r.l3 for r in rows) / n if n else 0.0
    fu_all = sum(r.with_followups for r in rows) / n if n else 0.0
    table.add_row("[bold]total[/]", str(sum(r.topics for r in rows)), str(n), str(sum(r.target for r in rows)),
                  f"{l3_all:.0%}", f"{fu_all:.0%}")  # fmt: skip
    console.print(table)
