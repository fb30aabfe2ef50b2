"""Rapid-fire (study/rapid.py) and most-confused pairs (study/confused.py): the first-sentence extractor over the
whole catalog, the rapid-fire queue order, the pairs file (every id resolves; errors name file:line), and both modes
rating through FSRS like the drill."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog, load_catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.confused import (
    PAIRS_FILE,
    Pair,
    PairError,
    all_pairs,
    derived_pairs,
    load_pairs,
    most_confused,
)
from mldrill.study.items import catalog_items
from mldrill.study.plan import DrillChoice, start_drill
from mldrill.study.rapid import first_sentence, rapid_queue
from mldrill.study.scheduler import Settings, save_setting
from mldrill.study.session import record_review

S = Settings(fuzz=False, timezone="UTC")

# ------------------------------------------------------------------------------------------- first sentence


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Adam uses lr 0.001 by default. It also keeps moments.", "Adam uses lr 0.001 by default."),
        ("Use a scheduler, e.g. cosine, with warmup. Then decay.", "Use a scheduler, e.g. cosine, with warmup."),
        ("Let $E$ have i.i.d. entries of variance 1. Then more.", "Let $E$ have i.i.d. entries of variance 1."),
        ("The loss is $L = a. B$ here. Next one.", "The loss is $L = a. B$ here."),
        ("Kaplan et al. (2020) fit power laws. Chinchilla refit.", "Kaplan et al. (2020) fit power laws."),
        (
            "Always call `model.eval()` before validation. Then `no_grad`.",
            "Always call `model.eval()` before validation.",
        ),
        ("It costs $O(n^2)$ (i.e. quadratic). More text.", "It costs $O(n^2)$ (i.e. quadratic)."),
        ("- The first item here. Still first.\n- Second item.", "The first item here."),
        ("Three reasons:\n\n- Speed matters here. More.\n- Memory.", "Three reasons: Speed matters here."),
        ("**Geometry.** The L1 ball is a diamond. More.", "**Geometry.** The L1 ball is a diamond."),
        ("Yes. The decay depends on the LR. More.", "Yes. The decay depends on the LR."),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\nThe table above says a. Then b.", "The table above says a."),
        ("```python\nx = 1. \n```\nThe code comes first. Then prose.", "The code comes first."),
        ("The rate is 3.5 per step! Then it drops.", "The rate is 3.5 per step!"),
        ("One sentence without a full stop", "One sentence without a full stop"),
        (
            "**0. Trust the numbers first.** Are the splits the same? Yes.",
            "**0. Trust the numbers first.** Are the splits the same?",
        ),
        (
            "Likely causes:\n\n1. **Noise.** The max is biased up. More.",
            "Likely causes: **Noise.** The max is biased up.",
        ),
    ],
)
def test_first_sentence_cases(answer: str, expected: str) -> None:
    assert first_sentence(answer) == expected


def _normal(text: str) -> str:
    """Whitespace collapsed and list markers dropped (the extractor joins a lead-in with its first item)."""
    return re.sub(r"(?:^|\s)(?:[-*+]|\d+[.)])\s+", " ", " ".join(text.split())).strip()


def test_every_card_in_the_catalog_gives_a_whole_first_sentence() -> None:
    cat = get_catalog()
    assert len(cat.cards) > 500
    for card in cat.cards.values():
        s = first_sentence(card.answer)
        assert s.strip(), f"{card.id}: empty first sentence"
        # never cut inside inline math or code: dollar signs and backticks stay paired
        assert s.replace("$$", "").replace(r"\$", "").count("$") % 2 == 0, f"{card.id}: {s!r}"
        assert s.count("`") % 2 == 0, f"{card.id}: {s!r}"
        assert s.count("**") % 2 == 0, f"{card.id}: {s!r}"
        # it is the answer's own text: its opening words occur in the answer
        start = _normal(s)[:25]
        assert _normal(start) in _normal(card.answer), f"{card.id}: {s!r}"
        assert len(s) < 700, f"{card.id}: {len(s)} characters is not one sentence"


# --------------------------------------------------------------------------------------------- rapid queue


def test_rapid_queue_due_then_seen_then_new_within_the_cap(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    from mldrill.study.scheduler import make_scheduler

    sched = make_scheduler(S)
    record_review(db, sched, items["alpha/a4"], 3, now=clock())  # Good on a new card: a 10-minute learning step
    record_review(db, sched, items["beta/b1"], 4, now=clock())  # Easy: graduates, due in days
    clock.advance(hours=1)
    with db.session() as s:
        due = {st.item_id: st.due for st in s.query(ItemState)}
    assert due["alpha/a4"] <= clock() < due["beta/b1"]
    pool = list(items.values())
    # new cards in the plan's order (follow-ups a2, a3 wait for a1): a1 (numerics-losses), then b2 (attention)
    wide = Settings(fuzz=False, timezone="UTC", new_per_day=20)
    assert rapid_queue(db, items, pool, count=20, settings=wide, now=clock()) == [
        "alpha/a4",
        "beta/b1",
        "alpha/a1",
        "beta/b2",
    ]
    assert rapid_queue(db, items, pool, count=3, settings=wide, now=clock()) == ["alpha/a4", "beta/b1", "alpha/a1"]
    # two cards were introduced today: a cap of 3 leaves one new card
    capped = Settings(fuzz=False, timezone="UTC", new_per_day=3)
    assert rapid_queue(db, items, pool, count=20, settings=capped, now=clock()) == ["alpha/a4", "beta/b1", "alpha/a1"]


def test_rapid_session_rates_through_fsrs_without_follow_ups(db: Database, tmp_path: Path, monkeypatch) -> None:
    cat = mini_catalog(tmp_path / "content")
    items = catalog_items(cat)
    save_setting(db, "fuzz", False)
    s = start_drill(db, cat, items, DrillChoice(area="numerics-losses", mode="rapid", limit=5), clock=FakeClock())
    assert s.mode == "rapid" and s.seconds == 8
    assert s.queue == ["alpha/a1", "alpha/a4"]  # the area's main new cards; a2, a3 are a1's follow-ups
    s.rate(3)
    assert s.queue == ["alpha/a4", "alpha/a1"] or s.queue == ["alpha/a4"]  # no follow-ups pushed in front
    with db.session() as sess:
        assert [(r.item_id, r.rating) for r in sess.query(Review)] == [("alpha/a1", 3)]
        assert sess.get(ItemState, "alpha/a1") is not None
    with pytest.raises(ValueError, match="seconds must be from 3 to 60"):
        start_drill(db, cat, items, DrillChoice(mode="rapid", seconds=2))
    with pytest.raises(ValueError, match="no drill mode"):
        start_drill(db, cat, items, DrillChoice(mode="fast"))


# ----------------------------------------------------------------------------------------------- pairs file


def test_packaged_pairs_resolve_and_compare_cards_are_compare_cards() -> None:
    cat = get_catalog()
    listed = load_pairs(cat)
    assert len(listed) >= 15
    for p in listed:
        for cid in p.cards:
            assert cid in cat.cards, f"{p.id}: {cid}"
        assert cat.cards[p.compare].kind == "compare", p.id
    pairs = all_pairs(cat)
    assert len({p.id for p in pairs}) == len(pairs)
    derived = {p.id: p for p in pairs if p.derived}
    assert derived["mixup-vs-cutmix"].cards == (
        "data-mixing-augmentation/mixup",
        "data-mixing-augmentation/cutmix",
        "data-mixing-augmentation/mixup-vs-cutmix",
    )
    assert not {p.compare for p in derived.values()} & {p.compare for p in listed}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pairs.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_pairs_file_errors_name_file_and_line(tmp_path: Path) -> None:
    cat = mini_catalog(tmp_path / "content")
    good = "pairs:\n  - id: p\n    title: P\n    a: alpha/a1\n    b: beta/b1\n    compare: alpha/a4\n"
    assert load_pairs(cat, _write(tmp_path, good)) == [Pair("p", "P", "alpha/a1", "beta/b1", "alpha/a4")]
    with pytest.raises(PairError, match=r"pairs\.yaml:5: no card 'beta/zz'"):
        load_pairs(cat, _write(tmp_path, good.replace("b: beta/b1", "b: beta/zz")))
    with pytest.raises(PairError, match=r"pairs\.yaml:7: duplicate pair id 'p'"):
        load_pairs(cat, _write(tmp_path, good + good.split("\n", 1)[1]))
    with pytest.raises(PairError, match=r"pairs\.yaml:2: 'compare' is missing"):
        load_pairs(cat, _write(tmp_path, good.replace("    compare: alpha/a4\n", "")))
    with pytest.raises(PairError, match=r"pairs\.yaml:7: unknown field 'note'"):
        load_pairs(cat, _write(tmp_path, good + "    note: x\n"))
    with pytest.raises(PairError, match=r"pairs\.yaml:2: a, b and compare must be three different cards"):
        load_pairs(cat, _write(tmp_path, good.replace("b: beta/b1", "b: alpha/a1")))
    with pytest.raises(PairError, match=r"pairs\.yaml:\d+: YAML syntax error"):
        load_pairs(cat, _write(tmp_path, "pairs: [\n"))


def test_derived_pairs_need_both_concepts_in_the_topic(tmp_path: Path) -> None:
    from minicontent import card, topic, write_topics

    root = write_topics(
        tmp_path / "c",
        [
            topic(
                "t",
                "numerics-losses",
                [
                    card("t/foo-basics"),
                    card("t/bar"),
                    card("t/foo-vs-bar", kind="compare"),
                    card("t/foo-vs-baz", kind="compare"),  # no baz card: nothing derived
                ],
            )
        ],
    )
    assert derived_pairs(load_catalog(root), []) == [
        Pair("foo-vs-bar", "foo vs bar", "t/foo-basics", "t/bar", "t/foo-vs-bar", derived=True)
    ]


def test_most_confused_first_and_a_pair_session_rates_all_three(db: Database, tmp_path: Path, monkeypatch) -> None:
    cat = mini_catalog(tmp_path / "content")
    items = catalog_items(cat)
    p1 = Pair("p1", "P1", "alpha/a1", "alpha/a2", "alpha/a3")
    p2 = Pair("p2", "P2", "beta/b1", "beta/b2", "alpha/a4")
    assert most_confused(db, [p1, p2], 2) == [p1, p2]  # no history: file order
    from mldrill.study.scheduler import make_scheduler

    record_review(db, make_scheduler(S), items["beta/b2"], 1, now=FakeClock()())
    assert most_confused(db, [p1, p2], 1) == [p2]
    path = _write(
        tmp_path,
        "pairs:\n  - {id: p1, title: P1, a: alpha/a1, b: alpha/a2, compare: alpha/a3}\n"
        "  - {id: p2, title: P2, a: beta/b1, b: beta/b2, compare: alpha/a4}\n",
    )
    monkeypatch.setenv("MLDRILL_PAIRS_FILE", str(path))
    s = start_drill(db, cat, items, DrillChoice(mode="confused", pair="p1"), clock=FakeClock())
    assert s.queue == ["alpha/a1", "alpha/a2", "alpha/a3"]
    assert s.roles["alpha/a3"] == "P1: the one difference"
    # a2 and a3 are a1's follow-ups, but here they are the pair's own cards: counted as new, not as follow-ups
    assert s.counts() == {"new": 3, "learning": 0, "review": 0, "followups": 0}
    for r in (3, 3, 2):
        s.rate(r)
    with db.session() as sess:
        got = [(r.item_id, r.rating) for r in sess.query(Review).order_by(Review.id)]
    assert got[-3:] == [("alpha/a1", 3), ("alpha/a2", 3), ("alpha/a3", 2)]  # a1's follow-ups were not pushed in
    with pytest.raises(ValueError, match="no pair 'zz'"):
        start_drill(db, cat, items, DrillChoice(mode="confused", pair="zz"))
    assert PAIRS_FILE.name == "confused_pairs.yaml"
