"""A small catalog for mock-interview tests: cards with key points at three levels in two areas, follow-ups, and a
topic named `losses` so that the packaged katas of that topic fall in the numerics-losses area."""

from __future__ import annotations

from pathlib import Path

from minicontent import card, topic, write_topics
from mldrill.catalog import Catalog, load_catalog

POINTS = ["the first point", "the second point", "the third point", "the fourth point"]


def kp_card(cid: str, level: str, n_points: int = 3, followups: list[str] | None = None) -> dict[str, object]:
    return card(cid, level, followups, key_points=POINTS[:n_points])


def mock_catalog(root: Path) -> Catalog:
    """losses (numerics-losses): l1, l2 L1; l3 L2 with follow-ups l3f1, l3f2 (L3); l4, l5 L2; l6, l7 L3.
    attn (attention-transformers): t1, t2 L1; t3, t4 L2 (t4 has no key points); t5, t6 L3."""
    write_topics(
        root,
        [
            topic(
                "losses",
                "numerics-losses",
                [
                    kp_card("losses/l1", "L1", 2),
                    kp_card("losses/l2", "L1", 2),
                    kp_card("losses/l3", "L2", 3, ["losses/l3f1", "losses/l3f2"]),
                    kp_card("losses/l3f1", "L3", 2),
                    kp_card("losses/l3f2", "L3", 2),
                    kp_card("losses/l4", "L2", 4),
                    kp_card("losses/l5", "L2", 3),
                    kp_card("losses/l6", "L3", 3),
                    kp_card("losses/l7", "L3", 3),
                ],
            ),
            topic(
                "attn",
                "attention-transformers",
                [
                    kp_card("attn/t1", "L1", 2),
                    kp_card("attn/t2", "L1", 2),
                    kp_card("attn/t3", "L2", 3),
                    card("attn/t4", "L2"),
                    kp_card("attn/t5", "L3", 3),
                    kp_card("attn/t6", "L3", 3),
                ],
            ),
        ],
    )
    return load_catalog(root)
