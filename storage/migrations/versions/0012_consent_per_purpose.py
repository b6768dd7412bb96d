"""consent per purpose: survey, events, membership and health data, each with its version and time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_citizens = sa.table(
    'citizens',
    sa.column('key', sa.String),
    sa.column('consent_version', sa.String),
    sa.column('consent_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('consents', storage.types.Json),
)


# Plain ALTER TABLE, never a batch copy: on SQLite, dropping the old `citizens` table of a copy
# would cascade to every conversation (foreign keys are on). DROP COLUMN needs SQLite 3.35.


def upgrade() -> None:
    op.add_column('citizens', sa.Column('consents', storage.types.Json, server_default='{}', nullable=False))
    # The one consent of earlier versions was asked with the survey notice: it was a consent
    # to the survey purpose, under that notice's version (so it is asked again under the new one).
    connection = op.get_bind()
    given = connection.execute(
        sa.select(_citizens.c.key, _citizens.c.consent_version, _citizens.c.consent_at)
        .where(_citizens.c.consent_version.is_not(None))
    ).all()
    for key, version, at in given:
        record = {'survey': {'version': version, 'at': at.isoformat() if at else None}}
        connection.execute(sa.update(_citizens).where(_citizens.c.key == key).values(consents=record))
    op.drop_column('citizens', 'consent_at')
    op.drop_column('citizens', 'consent_version')


def downgrade() -> None:
    op.add_column('citizens', sa.Column('consent_version', sa.String(length=32), nullable=True))
    op.add_column('citizens', sa.Column('consent_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    for key, consents in connection.execute(sa.select(_citizens.c.key, _citizens.c.consents)).all():
        survey = (consents if isinstance(consents, dict) else json.loads(consents or '{}')).get('survey')
        if survey:
            connection.execute(
                sa.update(_citizens).where(_citizens.c.key == key).values(consent_version=survey.get('version'))
            )
    op.drop_column('citizens', 'consents')
