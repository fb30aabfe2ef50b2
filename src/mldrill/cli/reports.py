"""`mldrill reports list | export FILE.md`: the card reports made while drilling (study/reports.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from mldrill.cli.common import console, database, items

app = typer.Typer(help="Problems you reported with a card (kept locally; export to paste into an issue).")


@app.command("list")
def list_() -> None:
    """Show the reports, newest first."""
    from rich.markup import escape

    from mldrill.study.reports import list_reports

    reports = list_reports(database())
    if not reports:
        console.print("No reports yet. In `mldrill drill`, press r once the answer shows.")
    for r in reports:
        console.print(f"[bold]{escape(r.item_id)}[/]  [dim]{r.created_at:%Y-%m-%d %H:%M} UTC · {r.app_version}[/]")
        console.print(f"  {escape(r.note)}", highlight=False)


@app.command("export")
def export(file: Path = typer.Argument(..., help="Markdown file to write.")) -> None:
    """Write every report as Markdown (card, time, version and content hash, the note)."""
    from mldrill.store.backup import write_atomic
    from mldrill.study.reports import list_reports, to_markdown

    db = database()
    reports = list_reports(db)
    write_atomic(file, to_markdown(reports, items(db)))
    console.print(f"wrote {len(reports)} report(s) to {file}", highlight=False, markup=False)
