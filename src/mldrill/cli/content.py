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
    """Validate all topic files: schema, unique ids, links, areas, importable refs."""
    from mldrill.catalog import load_catalog, validate
    from mldrill.catalog.loader import content_root

    cat = load_catalog(content_root())
    problems = validate(cat, check_refs=not no_refs)
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
