"""Kata attempts are stored, and a solved kata joins spaced repetition with a rating proposed from the attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clockutil import FakeClock
from mldrill.catalog.katas import get_katas
from mldrill.grader.verdict import CheckResult, Verdict
from mldrill.store import Database, ItemState, KataAttempt, Review
from mldrill.study.katas import mark_started, next_hint, propose_rating, record_attempt
from mldrill.study.scheduler import save_setting


def verdict(status: str) -> Verdict:
    ok = status == "passed"
    return Verdict("stable-softmax", status, [CheckResult("c", ok, "" if ok else "bad", "why", 0.01)], total_s=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("failures", "minutes", "rating"), [(0, 1, 4), (0, 10, 3), (0, None, 3), (2, 1, 2), (1, 30, 2)]
)
def test_rating_proposal_rule(failures: int, minutes: int | None, rating: int) -> None:
    t = None if minutes is None else timedelta(minutes=minutes)
    assert propose_rating(failures_in_round=failures, solve_time=t) == rating


def test_attempts_rate_only_on_a_pass_and_only_when_due(db: Database) -> None:
    save_setting(db, "fuzz", False)
    kata = get_katas()["stable-softmax"]
    clock = FakeClock()
    mark_started(db, kata.id, now=clock())
    clock.advance(minutes=5)
    first = record_attempt(db, kata, verdict("failed"), "src1", now=clock())
    assert (first.attempts, first.rating) == (1, None)
    clock.advance(minutes=5)
    solved = record_attempt(db, kata, verdict("passed"), "src2", now=clock())
    assert solved.rating == 2 and solved.due is not None  # passed after a failure: Hard
    with db.session() as s:  # its answer time: started at 0, solved 10 minutes later
        assert s.query(Review.duration_ms).filter(Review.item_id == "kata/stable-softmax").scalar() == 600_000
    clock.advance(minutes=1)
    early = record_attempt(db, kata, verdict("passed"), "src3", now=clock())
    assert early.rating is None  # not due yet: extra practice
    with db.session() as s:
        st = s.get(ItemState, "kata/stable-softmax")
        assert st is not None and st.kind == "kata" and st.reps == 1
        clock.jump_to(st.due + timedelta(minutes=1))
        assert [a.source for a in s.query(KataAttempt).order_by(KataAttempt.id)] == ["src1", "src2", "src3"]
    again = record_attempt(db, kata, verdict("passed"), "src4", now=clock())
    assert again.rating == 3  # due, and no failure since the last review: Good


def test_hints_come_one_at_a_time(db: Database) -> None:
    kata = get_katas()["stable-softmax"]
    shown = [next_hint(db, kata) for _ in range(len(kata.spec.hints) + 1)]
    assert [h[0] for h in shown[:-1] if h] == list(range(1, len(kata.spec.hints) + 1))
    assert shown[-1] is None


@pytest.mark.parametrize(("minutes", "failures", "rating"), [(1, 0, 4), (10, 0, 3), (10, 1, 2)])
def test_a_solved_katas_first_review_is_at_least_a_day_later(
    db: Database, minutes: int, failures: int, rating: int
) -> None:
    """Checked against py-fsrs itself: a new card given the same rating by a Scheduler with no learning steps has
    the same due time, and whole-day intervals mean the first review is never inside the day it was solved."""
    from fsrs import Card, Rating, Scheduler

    save_setting(db, "fuzz", False)
    kata = get_katas()["stable-softmax"]
    clock = FakeClock()
    mark_started(db, kata.id, now=clock())
    for _ in range(failures):
        clock.advance(minutes=1)
        record_attempt(db, kata, verdict("failed"), "tried", now=clock())
    clock.advance(minutes=minutes - failures)
    solved = record_attempt(db, kata, verdict("passed"), "solved", now=clock())
    assert solved.rating == rating and solved.due is not None
    oracle, _ = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False).review_card(
        Card(), Rating(rating), clock()
    )
    assert solved.due == oracle.due and solved.due - clock() >= timedelta(days=1)
    default_steps, _ = Scheduler(enable_fuzzing=False).review_card(Card(), Rating(rating), clock())
    if rating < 4:  # what the drill's scheduler would have given: minutes, not days
        assert default_steps.due - clock() < timedelta(hours=1)


def test_only_an_attempt_that_changes_the_starter_is_real() -> None:
    from mldrill.study.katas import is_real_attempt

    kata = get_katas()["stable-softmax"]
    starter = kata.starter()
    assert not is_real_attempt(kata, starter)
    assert not is_real_attempt(kata, "\n" + starter.replace("\n", "   \n") + "\n\n")  # trailing spaces only
    assert is_real_attempt(kata, starter + "\n    return x\n")
