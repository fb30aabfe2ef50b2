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
    leech_threshold, leech_action."""
    from mldrill.study.scheduler import Settings, load_settings, save_setting

    db = database()
    if key is not None and value is not None:
        types = {f.name: f.type for f in fields(Settings)}
        if key not in types:
            fail(f"unknown setting '{key}' (known: {', '.join(types)})")
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = value  # a bare word: a string, e.g. a time zone name
        try:
            checked = Settings(**{**asdict(load_settings(db)), key: parsed})
            _validate(checked)
        except (TypeError, ValueError, KeyError) as e:  # ZoneInfoNotFoundError is a KeyError
            fail(f"{key}={value!r}: {e}")
        save_setting(db, key, parsed)
    current = asdict(load_settings(db))
    if key is not None and key not in current:
        fail(f"unknown setting '{key}' (known: {', '.join(current)})")
    shown = {key: current[key]} if key else current
    if as_json:
        print_json(shown)
        return
    for k, v in shown.items():
        console.print(f"{k} = {json.dumps(v)}")


def _validate(s: object) -> None:
    from zoneinfo import ZoneInfo

    from mldrill.study.scheduler import Settings

    assert isinstance(s, Settings)
    retention = s.desired_retention
    if isinstance(retention, bool) or not (isinstance(retention, int | float) and 0.7 <= retention <= 0.99):
        raise ValueError("desired_retention must be a number between 0.70 and 0.99")
    if not (isinstance(s.new_per_day, int) and not isinstance(s.new_per_day, bool) and 0 <= s.new_per_day <= 1000):
        raise ValueError("new_per_day must be a whole number between 0 and 1000")
    if not isinstance(s.fuzz, bool):
        raise ValueError("fuzz must be true or false")
    if not (isinstance(s.learn_ahead_minutes, int) and 0 <= s.learn_ahead_minutes <= 1440):
        raise ValueError("learn_ahead_minutes must be a whole number of minutes between 0 and 1440")
    threshold = s.leech_threshold
    if isinstance(threshold, bool) or not (isinstance(threshold, int) and 1 <= threshold <= 1000):
        raise ValueError("leech_threshold must be a whole number of lapses between 1 and 1000")
    if s.leech_action not in ("suspend", "tag"):
        raise ValueError("leech_action must be suspend or tag")
    if s.timezone is not None:
        ZoneInfo(s.timezone)  # raises on an unknown zone
