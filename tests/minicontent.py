"""A tiny catalog written into tmp_path for tests that must not depend on the real content."""

from __future__ import annotations

from pathlib import Path

import yaml

from mldrill.catalog import Catalog, load_catalog


def card(cid: str, level: str = "L2", followups: list[str] | None = None, **kw: object) -> dict[str, object]:
    answer = str(kw.pop("answer", f"Answer of {cid}, with $x^2$."))
    return {
        "id": cid,
        "level": level,
        "kind": "concept",
        "question": f"Question of {cid}?",
        "answer": answer,
        "trap": f"Trap of {cid}.",
        "followups": followups or [],
        "key_points": [answer[:100], f"In short: {answer[:80]}"],  # stated in the answer, as validate.py requires
        **kw,
    }


def topic(tid: str, area: str, cards: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": tid,
        "title": tid.title(),
        "area": area,
        "remember": f"Remember {tid}.",
        "summary": f"Summary of {tid}.",
        "formulas": [{"name": "square", "tex": "x^2", "note": ""}],
        "cards": cards,
    }


def write_topics(root: Path, topics: list[dict[str, object]]) -> Path:
    for t in topics:
        path = root / str(t["area"]) / f"{t['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(t, sort_keys=False), encoding="utf-8")
    return root


def mini_catalog(root: Path) -> Catalog:
    """Two topics: alpha (a1 -> follow-ups a2, a3; a4 L3) and beta (b1, b2)."""
    write_topics(
        root,
        [
            topic(
                "alpha",
                "numerics-losses",
                [
                    card("alpha/a1", "L1", ["alpha/a2", "alpha/a3"]),
                    card("alpha/a2"),
                    card("alpha/a3"),
                    card("alpha/a4", "L3"),
                ],
            ),
            topic("beta", "attention-transformers", [card("beta/b1"), card("beta/b2", "L1")]),
        ],
    )
    return load_catalog(root)
