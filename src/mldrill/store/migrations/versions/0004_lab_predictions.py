"""Lab "predict first" answers: one row per lab, the choice committed before the figure was shown.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from mldrill.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lab_prediction",
        sa.Column("lab_id", sa.String(100), primary_key=True),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lab_prediction")
