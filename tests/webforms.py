"""Helpers for tests that drive the web app through HTTP: the CSRF token of a page, the ratings stored."""

from __future__ import annotations

import re

from mldrill.store import Review, open_db


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def ratings(url: str) -> list[tuple[str, int]]:
    """(item_id, rating) of every review in the database at `url`, in order."""
    db = open_db(url)
    with db.session() as s:
        out = [(r.item_id, r.rating) for r in s.query(Review).order_by(Review.id)]
    db.close()
    return out
