"""Persistence of the user's history (SQLAlchemy 2 + Alembic); SQLite by default, PostgreSQL for a shared server."""

from mldrill.store.db import Database, open_db
from mldrill.store.models import (
    CardMark,
    CardReport,
    ItemState,
    KataAttempt,
    KataProgress,
    LabPrediction,
    MockAnswer,
    MockSession,
    Review,
    Setting,
    UserCard,
)

__all__ = [
    "CardMark",
    "CardReport",
    "Database",
    "ItemState",
    "KataAttempt",
    "KataProgress",
    "LabPrediction",
    "MockAnswer",
    "MockSession",
    "Review",
    "Setting",
    "UserCard",
    "open_db",
]
