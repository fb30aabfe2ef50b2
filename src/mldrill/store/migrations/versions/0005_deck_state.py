"""Card marks: suspended, buried until, flag, a personal note and the leech tag, per card (study/deck.py).

Revision ID: deck_state
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from mldrill.store.models import UTCDateTime

revision = "deck_state"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_mark",
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("buried_until", UTCDateTime(), nullable=True),
        sa.Column("flag", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("leech", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("card_mark")
