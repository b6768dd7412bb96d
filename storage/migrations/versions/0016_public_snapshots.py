"""public pages: satisfaction figures frozen as published

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'public_snapshots',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(16), nullable=False),
        sa.Column('cell', sa.String(120), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('satisfied', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_snapshots')),
        sa.UniqueConstraint('year', 'code', 'cell', 'n', name='uq_public_snapshots_once'),
    )


def downgrade() -> None:
    op.drop_table('public_snapshots')
