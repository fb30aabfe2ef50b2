"""A lab's "predict first" answer: committed once, before the figure is shown, and kept (a second answer is ignored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from mldrill.store import Database, LabPrediction


@dataclass(frozen=True)
class Prediction:
    choice: int
    correct: bool
    answered_at: datetime


def prediction_of(db: Database, lab_id: str) -> Prediction | None:
    with db.session() as s:
        row = s.get(LabPrediction, lab_id)
        return None if row is None else Prediction(row.choice, row.correct, row.answered_at)


def record_prediction(db: Database, lab_id: str, choice: int, correct: bool) -> Prediction:
    """Store the first answer; a repeated POST (a double click, a reload) returns the stored one unchanged."""
    with db.session() as s:
        row = s.get(LabPrediction, lab_id)
        if row is None:
            row = LabPrediction(lab_id=lab_id, choice=choice, correct=correct, answered_at=datetime.now(UTC))
            s.add(row)
            s.flush()
        return Prediction(row.choice, row.correct, row.answered_at)
