"""key check: a check value of the pseudonym key, never the key

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'key_checks',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('check_value', sa.String(length=64), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_key_checks')),
    )


def downgrade() -> None:
    op.drop_table('key_checks')
