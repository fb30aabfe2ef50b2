"""The area table in the package equals SYLLABUS.md's (ids, titles, targets) whenever ../shared is present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldrill.catalog.areas import AREAS

SYLLABUS = Path(__file__).resolve().parents[3] / "shared" / "SYLLABUS.md"


@pytest.mark.skipif(not SYLLABUS.exists(), reason=f"{SYLLABUS} not present (it sits beside the repo in CI)")
def test_areas_match_syllabus() -> None:
    text = SYLLABUS.read_text(encoding="utf-8")
    heads = re.findall(r"^## ([a-z][a-z-]+) — (.+)$", text, flags=re.M)
    targets = dict(re.findall(r"^\| `([a-z-]+)` \|.*\| (\d+) \|$", text, flags=re.M))
    assert [(a.id, a.title) for a in AREAS] == heads
    assert {a.id: a.target for a in AREAS} == {k: int(v) for k, v in targets.items()}
    assert len(AREAS) == 25
