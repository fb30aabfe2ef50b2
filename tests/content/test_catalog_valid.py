"""The shipped knowledge base passes the validator: schema, unique ids, resolving links, known areas, importable refs."""

from __future__ import annotations

from mldrill.catalog import load_catalog, validate
from mldrill.catalog.katas import load_katas
from mldrill.labs import lab_ids


def test_shipped_content_is_valid() -> None:
    cat = load_catalog()
    katas, kata_problems = load_katas()
    assert kata_problems == []
    problems = validate(cat, check_refs=True, kata_ids=set(katas), lab_ids=set(lab_ids()))
    assert problems == [], "\n".join(map(str, problems))
    assert len(cat.topics) >= 3 and len(cat.cards) >= 45
