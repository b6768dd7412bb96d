"""survey invitations: what sent each one and whether it was started and completed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'survey_invitations',
        sa.Column('dedupe_key', sa.String(128), nullable=False),
        sa.Column('survey_id', sa.String(64), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('period', sa.String(16), nullable=False),
        sa.Column('source', sa.String(16), nullable=False),
        sa.Column('centre_id', sa.String(64), nullable=True),
        sa.Column('invited_on', sa.Date(), nullable=False),
        sa.Column('delivered', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_survey_invitations_centre_id_centres')),
        sa.PrimaryKeyConstraint('dedupe_key', name=op.f('pk_survey_invitations')),
    )
    op.create_index(op.f('ix_survey_invitations_invited_on'), 'survey_invitations', ['invited_on'])


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_invitations_invited_on'), table_name='survey_invitations')
    op.drop_table('survey_invitations')
