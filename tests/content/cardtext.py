"""Card text for the content-number tests: every card of the shipped knowledge base, read straight from the YAML
(independent of the catalog code under test), with whitespace-normalized lookups."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"


@cache
def all_cards() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(CONTENT.glob("*/*.yaml")):
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for c in doc.get("cards", []):
            out[c["id"]] = c
    return out


def answer(card_id: str) -> str:
    """The card's answer with every run of whitespace collapsed to one space."""
    return " ".join(all_cards()[card_id]["answer"].split())


def contains(card_id: str, *expected: str) -> None:
    text = answer(card_id)
    for s in expected:
        assert s in text, f"{card_id}: expected {s!r} in the answer"


def trap_contains(card_id: str, *expected: str) -> None:
    text = " ".join(all_cards()[card_id]["trap"].split())
    for s in expected:
        assert s in text, f"{card_id}: expected {s!r} in the trap"
