"""Data in and out: `export --anki`, `import`, `backup`, `restore`."""

from __future__ import annotations

from pathlib import Path

import typer

from mldrill.cli.common import console, database, err_console, fail, items, print_json


def export(
    anki: Path = typer.Option(..., "--anki", help="Write an Anki package (.apkg): one deck per area."),
    include_user: bool = typer.Option(True, "--user/--no-user", help="Include your imported cards."),
    as_json: bool = typer.Option(False, "--json", help="Print the per-deck counts as JSON."),
) -> None:
    """Export the cards to Anki (genanki); tags carry the level, topic and area."""
    from mldrill.study.anki import export_apkg

    if anki.suffix != ".apkg":
        fail(f"{anki}: the Anki package must end in .apkg")
    db = database()
    chosen = [it for it in items(db).values() if it.kind == "card" and (include_user or not it.is_user)]
    with console.status(f"building {anki} ({len(chosen)} cards)..."):
        counts = export_apkg(chosen, anki)
    if as_json:
        print_json({"file": str(anki), "decks": counts, "notes": sum(counts.values())})
        return
    console.print(f"wrote {sum(counts.values())} notes in {len(counts)} decks to [bold]{anki}[/]")


def import_cards(
    file: Path = typer.Argument(..., help="A .md, .csv, Anki plain-text .txt or Anki .apkg file of cards."),
    deck: str | None = typer.Option(None, "--deck", help="Deck name (default: the file name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import your own cards into a user deck.

    Markdown: one card per block, blocks separated by a line '---'; fields 'Q:' question, 'A:' answer (required),
    'T:' trap, 'L:' level (L1/L2/L3, default L2), 'Tags:' comma-separated; a field may span several lines.
    CSV: a header with question and answer columns, optionally trap, level, tags.
    Anki: "Notes in Plain Text" (.txt) or a deck package (.apkg, old or current format); notes that are only an
    image or sound are skipped and the import says so.
    Nothing is imported unless the whole file is valid; every error names the file and line.
    """
    from rich.markup import escape

    from mldrill.study.importer import ImportFailed, import_file

    db = database()
    try:
        res = import_file(db, file, deck=deck)
    except ImportFailed as e:
        for p in e.problems:  # messages quote the file's text: never read as rich markup
            err_console.print(f"[bold]{escape(f'{p.file}:{p.line}')}[/]: {escape(p.message)}", soft_wrap=True)
        fail(f"nothing imported: {len(e.problems)} problem(s) in {escape(str(file))}")
    if as_json:
        print_json({"deck": res.deck, "added": res.added, "updated": res.updated, "ids": res.ids, "notes": res.notes})
        return
    console.print(f"deck [bold]{escape(res.deck)}[/]: {res.added} added, {res.updated} updated")
    for note in res.notes:
        console.print(f"  note: {note}", markup=False)


def backup(file: Path = typer.Argument(..., help="Where to write the JSON backup.")) -> None:
    """Write a full JSON backup of your history (reviews, states, imported cards, settings)."""
    from mldrill.store.backup import backup as do_backup

    counts = do_backup(database(), file)
    console.print(f"backed up {', '.join(f'{v} {k}' for k, v in counts.items())} to [bold]{file}[/]")


def restore(
    file: Path = typer.Argument(..., help="A JSON backup written by `mldrill backup`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace a non-empty history without asking."),
) -> None:
    """Replace your history with a backup. The current history is saved first, so nothing is lost."""
    from rich.markup import escape

    from mldrill.store.backup import BackupError, is_empty, load_backup, safety_copy
    from mldrill.store.backup import restore as do_restore

    try:
        data = load_backup(file)
    except BackupError as e:
        fail(escape(str(e)))  # it quotes the backup's values: never read as rich markup
    db = database()
    if not is_empty(db):
        if not yes and not typer.confirm("This replaces your current history. Continue?", default=False):
            raise typer.Exit(1)
        console.print(f"saved the current history to {safety_copy(db)}")
    counts = do_restore(db, data)
    console.print(f"restored {', '.join(f'{v} {k}' for k, v in counts.items())} from [bold]{file}[/]")
