"""Mock interviews: the session built from a seeded history (levels rise, follow-ups after good answers only, weak
areas drawn more often, nothing seen in the last day), ratings from ticks against py-fsrs, the report, a restart."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler
from scipy.stats import binomtest

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState, MockAnswer, Review, open_db
from mldrill.study.items import Item, catalog_items, kata_items
from mldrill.study.mock import (
    Asked,
    History,
    MockPlan,
    card_slots,
    kata_seconds,
    next_card,
    plan_mock,
    rating_from_ticks,
)
from mldrill.study.mock_report import to_markdown
from mldrill.study.mock_run import (
    MockChoice,
    MockError,
    current,
    end_kata,
    history,
    report,
    start_mock,
    submit_answer,
    submit_ticks,
)
from mldrill.study.scheduler import save_setting
from mldrill.study.session import record_review
from mockcontent import mock_catalog

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LEVEL = {"L1": 0, "L2": 1, "L3": 2}


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    return mock_catalog(tmp_path / "content")


@pytest.fixture
def items(cat: Catalog) -> dict[str, Item]:
    return {**catalog_items(cat), **kata_items(cat)}


@pytest.fixture
def sdb(tmp_path: Path) -> Database:
    db = open_db(f"sqlite:///{tmp_path / 'mock.db'}")
    save_setting(db, "fuzz", False)
    return db


def _seed(db: Database, items: dict[str, Item], ratings: dict[str, list[int]], *, days_ago: float = 3) -> None:
    """Rate each item as listed, a day apart, the last rating `days_ago` before NOW."""
    from mldrill.study.scheduler import Settings, make_scheduler

    sched = make_scheduler(Settings(fuzz=False))
    for item_id, rs in ratings.items():
        for k, r in enumerate(rs):
            when = NOW - timedelta(days=days_ago + len(rs) - 1 - k)
            record_review(db, sched, items[item_id], r, now=when)


def test_budget_numbers() -> None:
    # 90 s a card; the kata 5 min at 15 min, a third of the time at 30 and 45 min
    assert [kata_seconds(m) for m in (15, 30, 45)] == [300, 600, 900]
    assert [card_slots(m) for m in (15, 30, 45)] == [(900 - 300) // 90, (1800 - 600) // 90, (2700 - 900) // 90]
    assert [card_slots(m) for m in (15, 30, 45)] == [6, 13, 20]
    assert card_slots(15, with_kata=False) == 10


def test_levels_rise_and_followups_only_after_good_answers(items: dict[str, Item]) -> None:
    plan = plan_mock(items, History(), now=NOW, minutes=15, covers=lambda it: True, rng=random.Random(1))
    ranks = [LEVEL[items[i].level] for i in plan.main]
    assert ranks == sorted(ranks) and len(plan.main) == 6
    assert [items[i].level for i in plan.main] == ["L1", "L1", "L2", "L2", "L3", "L3"]
    assert not {"losses/l3f1", "losses/l3f2"} & set(plan.main)  # follow-ups are never main cards
    # force l3 into the plan, then answer it well: its follow-ups come next, in order
    plan.main = ["attn/t1", "losses/l1", "losses/l3", "attn/t3", "losses/l6", "attn/t5"]
    plan.followups = {"losses/l3": ["losses/l3f1", "losses/l3f2"]}
    asked = [Asked("attn/t1", 3), Asked("losses/l1", 2), Asked("losses/l3", 3)]
    assert next_card(plan, asked, 0) == ("losses/l3f1", "losses/l3")
    asked.append(Asked("losses/l3f1", 4, "losses/l3"))
    assert next_card(plan, asked, 0) == ("losses/l3f2", "losses/l3")
    asked.append(Asked("losses/l3f2", 1, "losses/l3"))
    # 5 of 6 slots used: one main card is left, the hardest (attn/t3, the lowest waiting, was displaced)
    assert next_card(plan, asked, 0) == ("attn/t5", None)
    asked.append(Asked("attn/t5", 3))
    assert next_card(plan, asked, 0) is None
    # a weak answer (Hard) moves on: no follow-up
    weak = [Asked("attn/t1", 3), Asked("losses/l1", 2), Asked("losses/l3", 2)]
    assert next_card(plan, weak, 0) == ("attn/t3", None)
    with pytest.raises(ValueError, match="not rated"):
        next_card(plan, [Asked("attn/t1", None)], 0)
    # the cards' share of the time is spent: no new card
    assert next_card(plan, weak, plan.card_seconds) is None


def test_weak_areas_are_drawn_more_often_at_the_documented_rate(sdb: Database, items: dict[str, Item]) -> None:
    """History: every seen losses card is shaky (Again then Good), every seen attn card fluent (Good, Good), three
    days ago. With L2 only, the first card drawn is from losses with probability
        sum over losses L2 cards of w / sum over all L2 cards of w,
    w = area weight x status weight (study/mock.py): losses area 1 + 2 x 1 = 3, attn area 1 + 2 x 0 = 1;
    status: shaky 3, fluent 0.5, new 1. Checked over 3000 seeds with a two-sided binomial test, false-failure
    probability 1e-6; a plan that ignored the history would put losses first 3/6 = 50 % of the time."""
    _seed(sdb, items, {"losses/l3": [1, 3], "losses/l4": [1, 3], "attn/t3": [3, 3], "attn/t4": [3, 3]})
    h = history(sdb, NOW)
    assert h.status["losses/l3"] == "shaky" and h.status["attn/t3"] == "fluent"
    # L2 main cards: losses l3 (shaky), l4 (shaky), l5 (new); attn t3 (fluent), t4 (fluent)
    w_losses = 3 * 3 + 3 * 3 + 3 * 1
    w_attn = 1 * 0.5 + 1 * 0.5
    expected = w_losses / (w_losses + w_attn)
    n = 3000
    hits = 0
    for seed in range(n):
        plan = plan_mock(
            items, h, now=NOW, minutes=15, covers=lambda it: it.kind == "card", levels=["L2"], rng=random.Random(seed)
        )
        hits += items[plan.main[0]].area == "numerics-losses"
    assert binomtest(hits, n, expected).pvalue > 1e-6, (hits / n, expected)
    assert binomtest(hits, n, 5 / 6).pvalue < 1e-6  # the share without area weights (status only) is ruled out


def test_nothing_seen_in_the_last_day_is_repeated(sdb: Database, cat: Catalog, items: dict[str, Item]) -> None:
    _seed(sdb, items, {"attn/t1": [3]}, days_ago=0.5)  # 12 hours ago: left out
    _seed(sdb, items, {"attn/t2": [3]}, days_ago=1.1)  # 26 hours ago: may come back
    first = start_mock(sdb, cat, items, MockChoice(minutes=15, areas=("attention-transformers",), seed=0), now=NOW)
    with sdb.session() as s:
        shown_first = s.query(MockAnswer).filter(MockAnswer.mock_id == first).one().item_id
    for seed in range(40):
        plan = plan_mock(
            items, history(sdb, NOW + timedelta(minutes=1)), now=NOW + timedelta(minutes=1), minutes=45,
            covers=lambda it: it.area == "attention-transformers", rng=random.Random(seed),
        )  # fmt: skip
        assert "attn/t1" not in plan.main and shown_first not in plan.main  # reviewed 12 h ago; shown in a mock
    assert "attn/t2" in plan.main or shown_first == "attn/t2"
    # a day later, both are back
    later = NOW + timedelta(days=1, minutes=2)
    plan = plan_mock(items, history(sdb, later), now=later, minutes=45, covers=lambda it: True, rng=random.Random(0))
    assert {"attn/t1", shown_first} <= set(plan.main)


# ticks, trap fallen into -> the rating the rule gives (written out by hand from study/mock.py's docstring)
RULE = [
    ([True, True, True], False, 3),  # all: Good
    ([True, True, False], False, 2),  # 2 of 3 >= half: Hard
    ([True, False, False], False, 1),  # 1 of 3 < half: Again
    ([True, False], False, 2),  # 1 of 2 = half: Hard
    ([True, True, False, False], False, 2),  # 2 of 4: Hard
    ([True, False, False, False], False, 1),  # 1 of 4: Again
    ([False, False], False, 1),
    ([True, True, True], True, 2),  # all, but the trap: Hard
    ([True, True, False], True, 1),  # most and the trap: Again
    ([False, False, False], True, 1),  # never below Again
]


@pytest.mark.parametrize(("ticks", "trap", "rating"), RULE)
def test_rating_from_ticks(ticks: list[bool], trap: bool, rating: int) -> None:
    assert rating_from_ticks(ticks, trap) == rating


def _answer(
    db: Database,
    cat: Catalog,
    items: dict[str, Item],
    mock_id: int,
    when: datetime,
    *,
    ticks: list[bool] | None = None,
    trap: bool = False,
    rating: int | None = None,
) -> str:
    cur = current(db, mock_id)
    assert cur.phase == "answer" and cur.row is not None
    item_id = cur.row.item_id
    assert submit_answer(db, mock_id, item_id, f"my answer to {item_id}", now=when)
    assert not submit_answer(db, mock_id, item_id, "sent twice", now=when)  # not waiting any more: dropped
    n = len(cur.row.key_points)
    submit_ticks(
        db, cat, items, mock_id, item_id, ticks=[True] * n if ticks is None else ticks, trap_fell=trap,
        rating=rating if n else 3, now=when + timedelta(seconds=20),
    )  # fmt: skip
    return item_id


def test_ratings_from_ticks_are_py_fsrs_reviews(sdb: Database, cat: Catalog, items: dict[str, Item]) -> None:
    """Each card rated in a mock is a normal review: its state is py-fsrs's for the rating the rule gives."""
    mock_id = start_mock(sdb, cat, items, MockChoice(minutes=45, areas=("numerics-losses",), seed=3), now=NOW)
    when = NOW
    expected: dict[str, tuple[int, datetime]] = {}
    ways = [
        (lambda n: [True] * n, False),
        (lambda n: [True] + [False] * (n - 1), False),
        (lambda n: [True] * n, True),
        (lambda n: [i < (n + 1) // 2 for i in range(n)], False),
    ]
    for ticks_of, trap in ways:
        cur = current(sdb, mock_id)
        assert cur.row is not None
        n = len(cur.row.key_points)
        when += timedelta(seconds=75)
        item_id = _answer(sdb, cat, items, mock_id, when, ticks=ticks_of(n), trap=trap)
        k = sum(ticks_of(n))
        rule = 3 if k == n else 2 if 2 * k >= n else 1
        expected[item_id] = (max(1, rule - 1) if trap else rule, when + timedelta(seconds=20))
    sched = Scheduler(enable_fuzzing=False)
    with sdb.session() as s:
        for item_id, (rating, at) in expected.items():
            review = s.query(Review).filter(Review.item_id == item_id).one()
            assert review.rating == rating and review.session_id == f"mock-{mock_id}"
            state = s.get(ItemState, item_id)
            assert state is not None
            card, _ = sched.review_card(FsrsCard(), Rating(rating), at)
            assert (state.due, state.stability, state.difficulty) == (card.due, card.stability, card.difficulty)


def test_a_card_without_key_points_asks_for_a_self_rating(sdb: Database, cat: Catalog, items: dict[str, Item]) -> None:
    mock_id = start_mock(sdb, cat, items, MockChoice(minutes=15, areas=("attention-transformers",), seed=0), now=NOW)
    with sdb.session() as s:
        s.query(MockAnswer).filter(MockAnswer.mock_id == mock_id).update({"item_id": "attn/t4", "key_points": []})
    submit_answer(sdb, mock_id, "attn/t4", "an answer", now=NOW)
    with pytest.raises(MockError, match="no key points yet: rate your answer yourself"):
        submit_ticks(sdb, cat, items, mock_id, "attn/t4", ticks=[], trap_fell=False, rating=None, now=NOW)
    assert submit_ticks(sdb, cat, items, mock_id, "attn/t4", ticks=[], trap_fell=False, rating=2, now=NOW) == 2


def test_a_whole_mock_survives_a_restart_and_reports(sdb: Database, cat: Catalog, items: dict[str, Item]) -> None:
    url = sdb.url
    mock_id = start_mock(sdb, cat, items, MockChoice(minutes=15, areas=("numerics-losses",), seed=5), now=NOW)
    plan = MockPlan.from_dict(current(sdb, mock_id).mock.plan)
    assert plan.kata is not None and plan.kata_note == ""  # a kata of the losses topic, so of the same area
    when = NOW
    while current(sdb, mock_id).phase == "answer":
        sdb.close()
        sdb = open_db(url)  # every step from a fresh connection: the state is the database's
        when += timedelta(seconds=50)
        _answer(sdb, cat, items, mock_id, when)
    assert current(sdb, mock_id).phase == "kata"
    end_kata(sdb, mock_id, now=when + timedelta(minutes=4))
    assert current(sdb, mock_id).phase == "done"
    r = report(sdb, cat, items, mock_id, now=when + timedelta(minutes=5))
    assert r.finished and len(r.rated) == len(r.cards) == 6
    assert r.score == 1.0 and r.kata is not None and r.kata.status == "not checked"
    with sdb.session() as s:  # giving up the kata rated it Again: the miss is in the queue
        assert s.query(Review).filter(Review.item_id == f"kata/{plan.kata}").one().rating == 1
    md = to_markdown(r)
    assert f"# Mock interview #{mock_id}" in md and "| Numerics & loss functions | 6 | 100% |" in md
    assert f"Kata {r.kata.title}: redo it (mldrill kata start {plan.kata})" in md


def test_trend_marks_each_mock_against_the_one_before() -> None:
    from mldrill.study.mock import trend

    assert trend([]) == []
    assert trend([0.5]) == [""]
    assert trend([0.5, 0.7, 0.71, 0.4]) == ["", "↑", "=", "↓"]  # within 2 points: =


def test_the_markdown_keeps_a_multi_line_trap_inside_its_list_item() -> None:
    from mldrill.study.mock_report import CardResult, Report

    c = CardResult(
        "t/c", "numerics-losses", "L2", "Why\nthis?", None, "ans", ("p1", "p2"), (True, False),
        "A trap\nover two lines.", True, 1, 42.0, 10.0,
    )  # fmt: skip
    md = to_markdown(Report(3, NOW, 15, 600.0, "all areas", True, [c], None, {"numerics-losses": "Numerics"}))
    assert "1. **Why this?** — L2, `t/c`: 1/2 key points, Again, answered in 42 s (short)" in md
    assert "   - missed: p2\n   - fell into the trap: A trap over two lines.\n" in md
    assert (
        "| Numerics | 1 | 50% | 1/2 | 1 |" in md
        and "- Numerics: 50%; missed: p2 (mldrill drill --area numerics-losses)" in md
    )
