"""Read commands: `topics`, `show TOPIC`, `stats`, `log`. Each has --json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from mldrill.cli.common import catalog, console, database, fail, items, print_json, short_date, table

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def topics(as_json: bool = JSON) -> None:
    """List the topics, grouped by area, with card counts and mastery."""
    from mldrill.study.stats import topic_progress

    cat, db = catalog(), database()
    progress = topic_progress(db, cat)
    rows: list[dict[str, Any]] = [  # the catalog is already in syllabus order
        {"id": t.id, "title": t.title, "area": t.area, **progress[t.id]} for t in cat.topics.values()
    ]
    if as_json:
        print_json(rows)
        return
    from mldrill.catalog.areas import AREA_BY_ID

    cols = [("id", "topic"), ("text", "title"), ("num?", "cards"), ("num?", "seen"), ("num", "due"), ("num", "mastery")]
    for area in dict.fromkeys(r["area"] for r in rows):
        name = AREA_BY_ID[area].title if area in AREA_BY_ID else area
        cells = [
            [r["id"], r["title"], str(r["cards"]), str(r["seen"]), str(r["due"]), f"{r['mastery']:.0%}"]
            for r in rows
            if r["area"] == area
        ]
        console.print(table(f"{name}  [dim](--area {area})[/]", cols, cells))
    console.print(f"[dim]areas: {', '.join(dict.fromkeys(r['area'] for r in rows))}, user (your imported cards)[/]")


def show(topic: str = typer.Argument(..., help="Topic id, e.g. attention."), as_json: bool = JSON) -> None:
    """Show a topic: remember line, summary, formulas and its cards."""
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table

    from mldrill.render import md_for_terminal, tex_to_text

    cat = catalog()
    t = cat.topics.get(topic)
    if t is None:
        from mldrill.catalog.suggest import did_you_mean

        fail(f"no topic '{topic}'{did_you_mean(topic, cat.topics) or '; see `mldrill topics`'}")
    if as_json:
        print_json(t.model_dump())
        return
    console.print(f"[bold]{t.title}[/]  [dim]{t.id} · {t.area}[/]")
    console.print(Panel(md_for_terminal(t.remember), title="remember", border_style="cyan"))
    console.print(Markdown(md_for_terminal(t.summary)))
    if t.formulas:
        ft = Table(title="Formulas", title_justify="left", show_lines=False)
        ft.add_column("name")
        ft.add_column("formula")
        for f in t.formulas:
            ft.add_row(f.name, tex_to_text(f.tex) + (f"\n[dim]{md_for_terminal(f.note)}[/]" if f.note else ""))
        console.print(ft)
    cols = [("id", "id"), ("id?", "level"), ("text", "question")]
    cells = [[c.id, c.level, md_for_terminal(c.question)] for c in t.cards]
    console.print(table(f"Cards ({len(t.cards)})", cols, cells))


def stats(as_json: bool = JSON) -> None:
    """Due today, reviewed today, retention, streak and per-area mastery."""
    from rich.table import Table

    from mldrill.catalog.areas import AREA_BY_ID
    from mldrill.study.stats import compute_stats

    db = database()
    s = compute_stats(db, items(db))
    if as_json:
        print_json(s)
        return
    ret = "n/a" if s["retention_30d"] is None else f"{s['retention_30d']:.1%} of {s['retention_reviews']} reviews"
    console.print(
        f"[bold]Due today[/] {s['due_today']}   [bold]Reviewed today[/] {s['reviewed_today']}   "
        f"[bold]New left today[/] {s['new_left_today']} (of {s['new_available']} unseen)\n"
        f"[bold]Retention (30 d)[/] {ret}   [bold]Streak[/] {s['streak_days']} day(s)"
    )
    table = Table(title="Mastery per area", title_justify="left")
    for col in ("area", "cards", "seen", "fluent", "shaky", "unknown", "mastery"):
        table.add_column(col, justify="left" if col == "area" else "right")
    areas = s["areas"]
    assert isinstance(areas, dict)
    for area, a in areas.items():
        title = AREA_BY_ID[area].title if area in AREA_BY_ID else "My cards"
        table.add_row(
            title, *(str(a[k]) for k in ("cards", "seen", "fluent", "shaky", "unknown")), f"{a['mastery']:.0%}"
        )
    console.print(table)


def log(
    status: str | None = typer.Option(
        None, "--status", help="Only these statuses, comma-separated: fluent,shaky,unknown."
    ),
    fmt: str | None = typer.Option(None, "--format", help="Write md or csv instead of a table."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the export to this file (default: stdout)."),
    as_json: bool = JSON,
) -> None:
    """The practice log: status, attempts, last and next review of every item you have practised."""
    from dataclasses import asdict

    from mldrill.store.backup import write_atomic
    from mldrill.study.log import practice_log, to_csv, to_markdown
    from mldrill.study.status import STATUSES

    wanted = {s.strip() for s in status.split(",")} if status else None
    if wanted and wanted - set(STATUSES):
        fail(f"unknown status {sorted(wanted - set(STATUSES))}; use {', '.join(STATUSES)}")
    if fmt not in (None, "md", "csv"):
        fail(f"--format must be md or csv, got {fmt!r}")
    db = database()
    rows = practice_log(db, items(db), status=wanted)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    if fmt:
        text = to_markdown(rows) if fmt == "md" else to_csv(rows)
        if output:
            write_atomic(output, text)
            console.print(f"wrote {len(rows)} rows to {output}")
        else:
            print(text, end="")
        return
    from rich.markup import escape

    from mldrill.render import md_for_terminal

    colours = {"fluent": "green", "shaky": "yellow", "unknown": "red"}
    cols = [("id", "item"), ("text", "question"), ("id?", "level"), ("id", "status"), ("num?", "tries")]
    cols += [("num?", "lapses"), ("id?", "last"), ("id", "next")]
    cells = [
        [
            r.item,
            escape(md_for_terminal(r.question).strip()),
            r.level,
            f"[{colours[r.status]}]{r.status}[/]",
            str(r.attempts),
            str(r.lapses),
            short_date(r.last_review),
            short_date(r.next_review),
        ]
        for r in rows
    ]
    console.print(table(f"Practice log ({len(rows)} items)", cols, cells))
