"""anonymous storage: drafts, the pending pool, participation salts and tokens

Also removes what older versions stored that ties an anonymous answer to a person:
- anonymous responses get a random id and a random respondent key (the old one was
  `HMAC(secret, survey, period, telegram_id)`), and their answers new ids, in shuffled order,
  so neither the id sequence shared with the disability survey nor the answers' ids date them;
- conversations lose the state of an anonymous survey in progress and the live message an
  anonymous survey leaves behind, and every conversation's `updated_at` becomes the time of
  the upgrade, so none stands out (idle conversations are kept one retention period longer).
One response per period cannot be carried over for the current period: a person who answered
before the upgrade may answer once more this period.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

RANDOM_ID_BITS = 63
JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'survey_drafts',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('fresh', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_survey_drafts')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_survey_drafts_expires_at'), 'survey_drafts', ['expires_at'], unique=False)
    op.create_table(
        'pending_responses',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_responses')),
    )
    op.create_table(
        'participation_salts',
        sa.Column('survey_id', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('salt', sa.LargeBinary(), nullable=False),
        sa.Column('ends_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('survey_id', 'period', name=op.f('pk_participation_salts')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'participation_tokens',
        sa.Column('survey_id', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('fresh', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('survey_id', 'period', 'token', name=op.f('pk_participation_tokens')),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    _renumber_anonymous_responses(bind)
    _clear_anonymous_conversation_state(bind)


def _renumber_anonymous_responses(bind: sa.engine.Connection) -> None:
    responses = sa.table(
        'responses', *(sa.column(name) for name in (
            'id', 'survey_id', 'survey_version', 'period', 'respondent_key', 'centre_id', 'language',
            'respondent_role', 'satisfied', 'score', 'completed_on', 'completed_at',
        ))
    )
    answers = sa.table('answers', sa.column('id'), sa.column('response_id'), sa.column('question_id'),
                       sa.column('value', JSON), sa.column('value_number'))
    anonymous: sa.Select[Any] = sa.select(sa.column('survey_id')).select_from(sa.table('survey_definitions', sa.column('survey_id'), sa.column('anonymity'))).where(sa.column('anonymity') == 'anonymous')
    rows = [dict(row._mapping) for row in bind.execute(sa.select(responses).where(responses.c.survey_id.in_(anonymous)))]
    secrets.SystemRandom().shuffle(rows)
    for row in rows:
        old = row['id']
        row.update(id=secrets.randbits(RANDOM_ID_BITS) or 1, respondent_key=secrets.token_hex(32), completed_at=None)
        bind.execute(sa.insert(responses).values(**row))
        kept = bind.execute(sa.select(answers.c.question_id, answers.c.value, answers.c.value_number).where(answers.c.response_id == old)).all()
        bind.execute(sa.delete(answers).where(answers.c.response_id == old))
        bind.execute(sa.delete(responses).where(responses.c.id == old))
        for question_id, value, number in kept:
            bind.execute(sa.insert(answers).values(response_id=row['id'], question_id=question_id, value=value, value_number=number))


def _clear_anonymous_conversation_state(bind: sa.engine.Connection) -> None:
    anonymous_surveys = {
        survey for (survey,) in bind.execute(sa.text("SELECT survey_id FROM survey_definitions WHERE anonymity = 'anonymous'"))
    }
    conversations = sa.table('conversations', sa.column('citizen_key'), sa.column('state', JSON), sa.column('updated_at'))
    now = datetime.now(timezone.utc)
    for key, state in bind.execute(sa.select(conversations.c.citizen_key, conversations.c.state)).all():
        cleaned = dict(state)
        if (cleaned.get('survey') or {}).get('survey_id') in anonymous_surveys:
            cleaned.pop('survey')
            cleaned.pop('active', None)
            cleaned['screen'] = 'idle'
        if cleaned.get('screen') == 'idle':
            cleaned.pop('active', None)  # only the anonymous survey's "clear this chat" stays live when idle
        if cleaned != state:
            bind.execute(sa.update(conversations).where(conversations.c.citizen_key == key).values(state=cleaned))
    bind.execute(sa.update(conversations).values(updated_at=sa.bindparam('now', now, type_=storage.types.UTCDateTime(timezone=True))))


def downgrade() -> None:
    op.drop_table('participation_tokens')
    op.drop_table('participation_salts')
    op.drop_table('pending_responses')
    op.drop_index(op.f('ix_survey_drafts_expires_at'), table_name='survey_drafts')
    op.drop_table('survey_drafts')
