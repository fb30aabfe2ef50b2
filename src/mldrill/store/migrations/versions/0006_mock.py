"""Mock interviews: a session (what was chosen, the plan, the kata) and its answers (times, ticks, rating).

Revision ID: mock
Revises: deck_state
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from mldrill.store.models import UTCDateTime

revision = "mock"
down_revision = "deck_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mock_session",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("kata_id", sa.String(100), nullable=True),
        sa.Column("kata_started_at", UTCDateTime(), nullable=True),
        sa.Column("kata_finished_at", UTCDateTime(), nullable=True),
        sa.Column("kata_status", sa.String(16), nullable=True),
        sa.Column("kata_checks", sa.Integer(), nullable=False),
        sa.Column("kata_source", sa.Text(), nullable=False),
    )
    op.create_table(
        "mock_answer",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("mock_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("followup_of", sa.String(200), nullable=True),
        sa.Column("shown_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("suggested", sa.JSON(), nullable=True),
        sa.Column("suggested_trap", sa.Boolean(), nullable=True),
        sa.Column("ticks", sa.JSON(), nullable=True),
        sa.Column("trap_fell", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_mock_answer_mock_id", "mock_answer", ["mock_id"])


def downgrade() -> None:
    op.drop_index("ix_mock_answer_mock_id", table_name="mock_answer")
    op.drop_table("mock_answer")
    op.drop_table("mock_session")
