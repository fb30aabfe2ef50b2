"""Owning the deck: suspend / bury / flag / note / reset, leeches (checked against py-fsrs's own states), search,
the browser's filters, the user's decks mixing in and their deletion."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler, State

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.store import CardMark, Database, ItemState, Review, UserCard
from mldrill.study.deck import (
    DeckError,
    Query,
    act,
    browse,
    decks,
    delete_deck,
    get_mark,
    is_leech_lapse,
)
from mldrill.study.items import Item, catalog_items, user_items
from mldrill.study.plan import new_card_order
from mldrill.study.scheduler import Settings
from mldrill.study.session import DrillSession

S = Settings(fuzz=False, timezone="UTC")


def _items(tmp_path: Path) -> dict[str, Item]:
    return catalog_items(mini_catalog(tmp_path / "content"))


def test_suspended_and_buried_cards_leave_the_queue_and_bury_ends_tomorrow(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()  # 09:00 UTC
    act(db, items["alpha/a4"], "suspend", now=clock())
    act(db, items["beta/b1"], "bury", now=clock(), timezone="UTC")
    assert get_mark(db, "beta/b1").buried_until == clock().replace(hour=0) + timedelta(days=1)
    s = DrillSession(db, items, list(items.values()), settings=S, clock=clock)
    assert "alpha/a4" not in s.queue and "beta/b1" not in s.queue and "beta/b2" in s.queue
    s.drop("beta/b2")  # suspended or buried during a drill: gone from the running queue at once
    assert "beta/b2" not in s.queue
    clock.advance(hours=15)  # 00:00 the next day: the bury is over, the suspension is not
    s2 = DrillSession(db, items, list(items.values()), settings=S, clock=clock)
    assert "beta/b1" in s2.queue and "alpha/a4" not in s2.queue
    act(db, items["alpha/a4"], "unsuspend", now=clock())
    assert "alpha/a4" in DrillSession(db, items, list(items.values()), settings=S, clock=clock).queue


def test_a_suspended_follow_up_is_not_brought_in(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    act(db, items["alpha/a2"], "suspend", now=clock())
    s = DrillSession(db, items, [items["alpha/a1"]], settings=S, clock=clock)
    s.rate(4)
    assert s.queue == ["alpha/a3"]


def test_flag_note_reset_and_bad_input(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    it = items["alpha/a1"]
    assert act(db, it, "flag", now=clock()).flag == 1  # red by default, as Anki's Ctrl+1
    assert act(db, it, "flag", now=clock(), value="blue").flag == 4
    assert act(db, it, "note", now=clock(), value="  remember the 1/sqrt(d)  ").note == "remember the 1/sqrt(d)"
    with pytest.raises(DeckError, match="flag must be 1-7"):
        act(db, it, "flag", now=clock(), value="mauve")
    with pytest.raises(DeckError, match="at most 5000"):
        act(db, it, "note", now=clock(), value="x" * 5001)
    with pytest.raises(DeckError, match="unknown action"):
        act(db, it, "explode", now=clock())
    s = DrillSession(db, {it.id: it}, [it], settings=S, clock=clock)  # no follow-ups: a1 comes back
    s.rate(3)
    clock.advance(minutes=20)
    s.rate(3)
    with db.session() as ses:
        assert ses.query(Review).filter_by(item_id=it.id).count() == 2
    m = act(db, it, "reset", now=clock())
    with db.session() as ses:
        assert ses.query(Review).filter_by(item_id=it.id).count() == 0 and ses.get(ItemState, it.id) is None
    assert (m.note, m.flag) == ("remember the 1/sqrt(d)", 4)  # reset forgets the history, not the user's marks
    act(db, it, "unflag", now=clock())
    act(db, it, "note", now=clock(), value="")
    with db.session() as ses:  # no marks left: no row
        assert ses.get(CardMark, it.id) is None


def test_leech_rule_values() -> None:
    # Anki: a leech at the threshold, then every half-threshold after it.
    assert [n for n in range(1, 21) if is_leech_lapse(n, 8)] == [8, 12, 16, 20]
    assert [n for n in range(1, 8) if is_leech_lapse(n, 3)] == [3, 4, 5, 6, 7]


def _drive_to_lapses(s: DrillSession, clock: FakeClock, lapses: int, oracle: Scheduler) -> list[str]:
    """Rate the session's one card Good until py-fsrs has it in the review state, then Again (a lapse); repeat.
    The oracle (py-fsrs itself, fed the same ratings at the same times) says when a rating is a lapse."""
    card, seen, messages = Card(), 0, []
    while seen < lapses:
        rating = Rating.Again if card.state == State.Review else Rating.Good
        seen += rating == Rating.Again
        rated = s.rate(int(rating))
        card, _ = oracle.review_card(card, rating, clock())
        assert rated.due == card.due
        messages.append(rated.leech)
        if not s.queue and seen < lapses:
            s.queue = [rated.item_id]  # bring the card back as its next due day would
        clock.jump_to(card.due)
    return messages


def test_leech_after_threshold_lapses_suspends_and_undo_takes_it_back(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    settings = Settings(fuzz=False, timezone="UTC", leech_threshold=3)
    s = DrillSession(db, items, [items["beta/b1"]], settings=settings, clock=clock)
    messages = _drive_to_lapses(s, clock, 3, Scheduler(enable_fuzzing=False))
    assert all(not m for m in messages[:-1]) and "3 lapses" in messages[-1] and "suspended" in messages[-1]
    with db.session() as ses:
        assert ses.get(ItemState, "beta/b1").lapses == 3  # type: ignore[union-attr]
    m = get_mark(db, "beta/b1")
    assert m.leech and m.suspended and "beta/b1" not in s.queue
    s.undo()
    m = get_mark(db, "beta/b1")
    assert not m.leech and not m.suspended and s.queue[0] == "beta/b1"


def test_leech_action_tag_keeps_the_card(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    settings = Settings(fuzz=False, timezone="UTC", leech_threshold=2, leech_action="tag")
    s = DrillSession(db, items, [items["beta/b2"]], settings=settings, clock=clock)
    messages = _drive_to_lapses(s, clock, 2, Scheduler(enable_fuzzing=False))
    assert messages[-1].endswith("tagged leech.")
    m = get_mark(db, "beta/b2")
    assert m.leech and not m.suspended


def test_search_every_word_case_insensitive_and_filters(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    now = clock()

    def ids(**kw: object) -> list[str]:
        rows, total = browse(db, items, Query(**kw), now=now, timezone="UTC")  # type: ignore[arg-type]
        assert total == len(rows)
        return [r.item.id for r in rows]

    assert ids(q="ANSWER a2") == ["alpha/a2"]  # "answer" and "a2" both in alpha/a2's text
    assert ids(q="trap b1.") == ["beta/b1"]
    assert ids(q="question nothing-like-this") == []
    assert ids(level="L1") == ["alpha/a1", "beta/b2"]
    assert ids(area="attention-transformers") == ["beta/b1", "beta/b2"]
    act(db, items["beta/b2"], "note", now=now, value="my mnemonic: Zebra")
    assert ids(q="zebra") == ["beta/b2"]  # the note is searched too
    act(db, items["alpha/a3"], "flag", now=now, value="green")
    act(db, items["alpha/a4"], "suspend", now=now)
    assert ids(flagged="any") == ["alpha/a3"] and ids(flagged="3") == ["alpha/a3"] and ids(flagged="1") == []
    assert ids(suspended="yes") == ["alpha/a4"] and "alpha/a4" not in ids(suspended="no")
    s = DrillSession(db, items, [items["beta/b1"]], settings=S, clock=clock)
    s.rate(1)
    assert ids(status="learning") == ["beta/b1"] and ids(status="unknown") == ["beta/b1"]
    assert ids(due="today") == ["beta/b1"] and ids(due="now") == []  # due in a minute
    assert ids(status="new")[0] == "alpha/a1" and "beta/b1" not in ids(status="new")
    assert ids(sort="due")[0] == "beta/b1"


def _import_deck(db: Database, deck: str, n: int, clock: FakeClock) -> None:
    with db.session() as s:
        for i in range(n):
            s.add(
                UserCard(
                    id=f"user/{deck}/q{i}",
                    deck=deck,
                    level="L2",
                    question=f"Q{i}",
                    answer=f"A{i}",
                    trap="",
                    tags=[],
                    source="t",
                    created_at=clock() + timedelta(seconds=i),
                )
            )


def test_user_cards_mix_in_and_a_deck_is_deleted_with_its_history(db: Database, tmp_path: Path) -> None:
    clock = FakeClock()
    _import_deck(db, "mine", 3, clock)
    _import_deck(db, "other", 1, clock)
    items = {**_items(tmp_path), **user_items(db)}
    # The new-card round robin of study/plan.py, "My cards" (area user) being one more area in import order:
    # numerics-losses [a1 L1, a4 L3] (a2, a3 are a1's follow-ups), attention [b2 L1, b1 L2],
    # user [mine q0-q2, other q0].
    order = [it.id for it in new_card_order(list(items.values()), items)]
    assert order == [
        "alpha/a1",
        "beta/b2",
        "user/mine/q0",
        "alpha/a4",
        "beta/b1",
        "user/mine/q1",
        "user/mine/q2",
        "user/other/q0",
    ]
    s = DrillSession(db, items, list(items.values()), settings=Settings(fuzz=False, timezone="UTC", new_per_day=4))
    assert s.queue == ["alpha/a1", "beta/b2", "user/mine/q0", "alpha/a4"]
    s.queue = ["user/mine/q0", "user/other/q0"]
    s.rate(3)
    s.rate(3)
    act(db, items["user/mine/q1"], "flag", now=clock())
    assert [(d.name, d.cards, d.seen) for d in decks(db, now=clock())] == [("mine", 3, 1), ("other", 1, 1)]
    assert delete_deck(db, "mine") == 3
    with db.session() as ses:
        assert ses.query(UserCard).count() == 1
        assert [r.item_id for r in ses.query(Review)] == ["user/other/q0"]
        assert [r.item_id for r in ses.query(ItemState)] == ["user/other/q0"]
        assert ses.query(CardMark).count() == 0
    with pytest.raises(DeckError, match="no deck 'mine'"):
        delete_deck(db, "mine")


def test_undo_takes_back_a_bury_a_suspend_and_a_flag_in_order(db: Database, tmp_path: Path) -> None:
    items = _items(tmp_path)
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=clock)
    assert s.queue == ["beta/b2", "beta/b1"]
    assert s.mark("beta/b2", "flag") == "flag" and s.queue == ["beta/b2", "beta/b1"]
    assert s.mark("beta/b2", "bury") == "bury" and s.queue == ["beta/b1"]
    s.rate(3)  # b1: Good, back in 10 minutes
    assert s.mark("beta/b1", "suspend") == "suspend" and s.queue == []
    assert s.undo() is items["beta/b1"] and s.last_undone == "suspend" and not get_mark(db, "beta/b1").suspended
    assert s.queue == ["beta/b1"]
    assert s.undo() is items["beta/b1"] and s.last_undone == "rating"
    assert s.undo() is items["beta/b2"] and s.last_undone == "bury" and s.queue == ["beta/b2", "beta/b1"]
    assert get_mark(db, "beta/b2").buried_until is None and get_mark(db, "beta/b2").flag == 1
    assert s.undo() is items["beta/b2"] and s.last_undone == "flag" and get_mark(db, "beta/b2").flag == 0
    assert s.undo() is None
    with db.session() as ses:
        assert ses.query(Review).count() == 0 and ses.query(CardMark).count() == 0


def test_today_counts_leave_out_suspended_and_buried_cards(db: Database, tmp_path: Path) -> None:
    from mldrill.study.stats import compute_stats

    items = _items(tmp_path)
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=clock)
    s.rate(1)
    s.rate(1)  # both learning, due in a minute
    before = compute_stats(db, items, clock=clock)
    assert (before["due_today"], before["new_available"]) == (2, 4)
    act(db, items["beta/b1"], "bury", now=clock(), timezone="UTC")
    act(db, items["alpha/a4"], "suspend", now=clock())
    after = compute_stats(db, items, clock=clock)
    assert (after["due_today"], after["new_available"]) == (1, 3)
