"""The independent review of issue 13 keeps a ledger per area: every card has exactly one row with a verdict."""

from __future__ import annotations

import re
from collections import Counter

from mldrill.catalog.loader import CONTENT_DIR, load_catalog

VERDICTS = {"ok", "fixed", "rewritten", "softened", "new"}
ROW = re.compile(r"^\|\s*`?([a-z0-9-]+/[a-z0-9-]+)`?\s*\|\s*([a-z]+)\s*\|")


def ledger_rows() -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted(CONTENT_DIR.glob("*/REVIEW.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := ROW.match(line):
                rows.append((path.parent.name, m.group(1), m.group(2)))
    return rows


def test_every_card_has_exactly_one_ledger_row_with_a_known_verdict() -> None:
    cat = load_catalog()
    rows = ledger_rows()
    counts = Counter(card for _, card, _ in rows)
    assert not [c for c in cat.cards if counts[c] == 0], "cards missing from the review ledgers"
    assert not [c for c, n in counts.items() if n > 1], "cards listed twice"
    assert not [c for c in counts if c not in cat.cards], "ledger rows for cards that do not exist"
    assert not [(c, v) for _, c, v in rows if v not in VERDICTS]
    assert all(cat.area_of(c) == area for area, c, _ in rows), "a row sits in another area's ledger"
