"""`mldrill config [KEY [VALUE]]`: show or change the study settings (stored in the database)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

import typer

from mldrill.cli.common import console, database, fail, print_json


def config(
    key: str | None = typer.Argument(None, help="Setting to show or change."),
    value: str | None = typer.Argument(None, help='New value (JSON: 30, 0.85, true, "Europe/Paris").'),
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    """Show or change settings: desired_retention, new_per_day, fuzz, learn_ahead_minutes, timezone,
    leech_threshold (8), leech_action (suspend, tag),
    learning_steps ([1, 10]), track (see `mldrill plan`), interview_date (2026-12-18), theme (auto, light, dark),
    fsrs_weights (`mldrill fsrs fit --apply`)."""
    from mldrill.study.scheduler import Settings, load_settings, save_settings

    db = database()
    if key is not None and value is not None:
        names = [f.name for f in fields(Settings)]
        if key not in names:
            fail(f"unknown setting '{key}' (known: {', '.join(names)})")
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = value  # a bare word: a string, e.g. a time zone name or a date
        try:
            save_settings(db, {key: parsed})
        except (ValueError, KeyError) as e:
            fail(f"{key}={value!r}: {str(e).removeprefix(f'{key}: ')}")
    current = asdict(load_settings(db))
    if key is not None and key not in current:
        fail(f"unknown setting '{key}' (known: {', '.join(current)})")
    shown = {key: current[key]} if key else current
    if as_json:
        print_json(shown)
        return
    for k, v in shown.items():
        console.print(f"{k} = {json.dumps(v)}")
