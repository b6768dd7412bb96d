"""web panel: single-use sign-in links and sessions, both kept as hashes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'panel_links',
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_panel_links_staff_id_staff_members'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_panel_links')),
    )
    op.create_index(op.f('ix_panel_links_staff_id'), 'panel_links', ['staff_id'])
    op.create_table(
        'panel_sessions',
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_panel_sessions_staff_id_staff_members'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_panel_sessions')),
    )
    op.create_index(op.f('ix_panel_sessions_staff_id'), 'panel_sessions', ['staff_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_panel_sessions_staff_id'), table_name='panel_sessions')
    op.drop_table('panel_sessions')
    op.drop_index(op.f('ix_panel_links_staff_id'), table_name='panel_links')
    op.drop_table('panel_links')
