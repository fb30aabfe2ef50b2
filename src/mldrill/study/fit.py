"""FSRS fitted to the learner: py-fsrs's optimizer run on the learner's own review log.

py-fsrs's `Optimizer.compute_optimal_parameters` trains on the reviews that come at least a day after the card's
previous review (same-day learning steps are inputs, not targets) and returns its default weights below 512 of them
(one mini-batch): MIN_REVIEWS. `compute_optimal_retention` (the desired retention with the least study time per
card remembered, by simulation) needs 512 review-log rows with an answer time; reviews made before answer times were
recorded (null) are given the median of the recorded ones, and with no recorded time at all no retention is
suggested. The optimizer needs torch, numpy, pandas and tqdm (`pip install -e '.[fsrs-fit]'`).

Old vs new: both weight sets replay every card's history through py-fsrs's Scheduler; at each counted review the
scheduler's predicted retrievability is compared with what happened (recalled = any rating but Again): the mean
prediction, the actual recall rate and the log loss. Only flashcards are used (a kata's rating is proposed from a
test run, not a memory).
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from itertools import pairwise

from fsrs import Card, Rating, ReviewLog, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from sqlalchemy import select

from mldrill.store import Database, Review

MIN_REVIEWS = 512  # py-fsrs's optimizer: fewer counted reviews than one mini-batch and it keeps its defaults


class FitUnavailable(RuntimeError):
    pass


def review_logs(db: Database) -> list[ReviewLog]:
    """Every flashcard review as a py-fsrs ReviewLog (card ids numbered by first review)."""
    with db.session() as s:
        rows = s.execute(
            select(Review.item_id, Review.rating, Review.reviewed_at, Review.duration_ms)
            .where(Review.kind == "card")
            .order_by(Review.reviewed_at, Review.id)
        ).all()
    ids: dict[str, int] = {}
    return [ReviewLog(ids.setdefault(i, len(ids) + 1), Rating(r), t, d) for i, r, t, d in rows]


def _histories(logs: list[ReviewLog]) -> list[list[ReviewLog]]:
    by_card: dict[int, list[ReviewLog]] = {}
    for log in logs:
        by_card.setdefault(log.card_id, []).append(log)
    return [sorted(h, key=lambda x: x.review_datetime) for h in by_card.values()]


def counted_reviews(logs: list[ReviewLog]) -> int:
    """Reviews a day or more after the card's previous review: what the optimizer trains on."""
    return sum(
        1
        for h in _histories(logs)
        for prev, cur in pairwise(h)
        if (cur.review_datetime - prev.review_datetime).days > 0
    )


@dataclass(frozen=True)
class Evaluation:
    predicted: float  # mean predicted retrievability at the counted reviews
    actual: float  # share of them recalled (not Again)
    log_loss: float
    n: int


def evaluate(logs: list[ReviewLog], weights: tuple[float, ...]) -> Evaluation:
    scheduler = Scheduler(parameters=weights, enable_fuzzing=False)
    preds: list[tuple[float, int]] = []
    for h in _histories(logs):
        card = Card(card_id=h[0].card_id, due=h[0].review_datetime)
        for i, log in enumerate(h):
            if i and card.last_review is not None and (log.review_datetime - card.last_review).days > 0:
                preds.append((scheduler.get_card_retrievability(card, log.review_datetime), int(log.rating > 1)))
            card, _ = scheduler.review_card(card, log.rating, log.review_datetime)
    if not preds:
        return Evaluation(math.nan, math.nan, math.nan, 0)
    eps = 1e-7
    loss = -sum(y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps)) for p, y in preds) / len(preds)
    return Evaluation(sum(p for p, _ in preds) / len(preds), sum(y for _, y in preds) / len(preds), loss, len(preds))


@dataclass(frozen=True)
class FitResult:
    reviews: int  # flashcard reviews in the log
    counted: int  # of them, the ones the optimizer trains on
    enough: bool
    message: str
    weights: tuple[float, ...] | None = None
    old: Evaluation | None = None
    new: Evaluation | None = None
    suggested_retention: float | None = None

    @property
    def weights_json(self) -> str:
        return json.dumps(list(self.weights) if self.weights is not None else None)

    def as_dict(self) -> dict[str, object]:
        return {
            "reviews": self.reviews,
            "counted_reviews": self.counted,
            "needed": MIN_REVIEWS,
            "enough": self.enough,
            "message": self.message,
            "weights": list(self.weights) if self.weights else None,
            "old": self.old.__dict__ if self.old else None,
            "new": self.new.__dict__ if self.new else None,
            "suggested_retention": self.suggested_retention,
        }


def fit(db: Database, current: tuple[float, ...] | None = None, *, logs: list[ReviewLog] | None = None) -> FitResult:
    """Fit the weights to the review log (FitUnavailable when the optimizer's packages are missing)."""
    logs = review_logs(db) if logs is None else logs
    counted = counted_reviews(logs)
    if counted < MIN_REVIEWS:
        return FitResult(
            len(logs),
            counted,
            False,
            f"Not enough reviews yet: py-fsrs's optimizer needs {MIN_REVIEWS} reviews made a day or more after the "
            f"card's previous one; you have {counted} (of {len(logs)} reviews in all).",
        )
    try:
        from fsrs import Optimizer

        optimizer = Optimizer(_with_durations(logs))
        weights = tuple(optimizer.compute_optimal_parameters())
    except ImportError as e:
        raise FitUnavailable(
            f"py-fsrs's optimizer needs torch, numpy, pandas and tqdm ({e}); install them with "
            "pip install -e '.[fsrs-fit]'"
        ) from None
    old = evaluate(logs, tuple(current) if current else tuple(DEFAULT_PARAMETERS))
    new = evaluate(logs, weights)
    suggested = None
    if len(logs) >= MIN_REVIEWS and any(log.review_duration is not None for log in logs):
        # py-fsrs annotates the parameters as a tuple; it accepts any sequence of floats
        suggested = float(optimizer.compute_optimal_retention(list(weights)))  # type: ignore[arg-type]
    return FitResult(len(logs), counted, True, "fitted", weights, old, new, suggested)


def _with_durations(logs: list[ReviewLog]) -> list[ReviewLog]:
    """Reviews without an answer time get the median of those with one (the retention simulation needs all)."""
    known = [log.review_duration for log in logs if log.review_duration is not None]
    if not known:
        return logs
    median = int(statistics.median(known))
    return [
        log if log.review_duration is not None else ReviewLog(log.card_id, log.rating, log.review_datetime, median)
        for log in logs
    ]
