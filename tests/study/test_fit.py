"""FSRS fitted to you (study/fit.py) against py-fsrs's own optimizer, on a simulated learner.

The learner's memory follows FSRS with weights far from the defaults (forgets faster: lower initial stabilities);
reviews are drawn at the scheduler's due dates with recall ~ Bernoulli(true retrievability), seeded. The fit must
return exactly what py-fsrs's Optimizer returns for the same log (our code only feeds it), and those weights must
predict the simulated recalls better (lower log loss) than the defaults; the suggested retention is py-fsrs's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, ReviewLog, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from mldrill.store import Database, Review, open_db
from mldrill.study.fit import MIN_REVIEWS, counted_reviews, fit, review_logs

pytest.importorskip("pandas")
pytest.importorskip("torch")

TRUE = list(DEFAULT_PARAMETERS)
TRUE[0:4] = [0.1, 0.3, 0.8, 3.0]  # initial stabilities (days) far below the defaults (~0.2, 1.2, 2.3, 8.3)


def simulate(n_cards: int, days: int, seed: int = 7) -> list[tuple[str, int, datetime, int]]:
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE, enable_fuzzing=False)
    sched = Scheduler(enable_fuzzing=False)  # the app's default scheduler decides when cards come back
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    out = []
    for c in range(n_cards):
        t = start + timedelta(days=c % 20, minutes=c)
        card, true_card = Card(card_id=c + 1, due=t), Card(card_id=c + 1, due=t)
        while t < start + timedelta(days=days):
            r = truth.get_card_retrievability(true_card, t) if true_card.last_review else 0.0
            recalled = true_card.last_review is not None and rng.random() < r
            rating = Rating.Good if recalled else Rating.Again
            out.append((f"t/c{c}", int(rating), t, rng.randint(3000, 15000)))
            card, _ = sched.review_card(card, rating, t)
            true_card, _ = truth.review_card(true_card, rating, t)
            t = max(card.due, t + timedelta(minutes=1))
    return out


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: the optimizer's input is the same whatever the database (the store is tested elsewhere)."""
    database = open_db(f"sqlite:///{tmp_path / 'fit.db'}")
    yield database
    database.close()


def store(db: Database, rows: list[tuple[str, int, datetime, int]]) -> None:
    with db.session() as s:
        s.add_all(Review(item_id=i, kind="card", rating=r, reviewed_at=t, duration_ms=d) for i, r, t, d in rows)


def test_too_few_reviews_says_how_many_are_needed(sqlite_db: Database) -> None:
    db = sqlite_db
    store(db, simulate(20, 30))
    result = fit(db)
    assert not result.enough and result.weights is None
    assert result.counted == counted_reviews(review_logs(db)) < MIN_REVIEWS
    assert f"needs {MIN_REVIEWS}" in result.message and f"you have {result.counted}" in result.message


def test_fit_is_py_fsrs_optimizer_and_beats_the_defaults(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from fsrs import Optimizer

    db = sqlite_db
    store(db, simulate(64, 90))  # ~600 counted reviews: just above one mini-batch, to keep the test short
    logs = review_logs(db)
    assert counted_reviews(logs) >= MIN_REVIEWS
    seen: list[tuple[list[float], float]] = []
    real = Optimizer.compute_optimal_retention

    def spy(self: Optimizer, parameters: list[float]) -> float:
        out = real(self, parameters)
        seen.append((list(parameters), out))
        return out

    monkeypatch.setattr(Optimizer, "compute_optimal_retention", spy)
    result = fit(db)
    assert result.enough and result.weights is not None and result.old and result.new
    oracle = Optimizer(logs).compute_optimal_parameters()
    assert list(result.weights) == pytest.approx(oracle, rel=1e-9)
    assert result.weights != tuple(DEFAULT_PARAMETERS)
    assert result.new.log_loss < result.old.log_loss
    # the fitted model's mean prediction is nearer the actual recall rate than the defaults'
    assert abs(result.new.predicted - result.new.actual) < abs(result.old.predicted - result.old.actual)
    # the suggestion is py-fsrs's answer for the fitted weights, on the log with every answer time recorded
    assert seen == [(list(result.weights), result.suggested_retention)]
    assert result.suggested_retention in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def test_review_logs_keep_answer_times_and_order(sqlite_db: Database) -> None:
    db = sqlite_db
    store(db, [("x/a", 3, datetime(2026, 1, 2, tzinfo=UTC), 4200), ("x/b", 1, datetime(2026, 1, 1, tzinfo=UTC), 900)])
    logs = review_logs(db)
    got = [(lg.card_id, lg.rating, lg.review_duration) for lg in logs]
    assert got == [(1, Rating.Again, 900), (2, Rating.Good, 4200)]
    assert all(isinstance(lg, ReviewLog) for lg in logs)
