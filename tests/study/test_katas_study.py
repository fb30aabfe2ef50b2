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
