"""sensitivity and erasure: sensitive events, nameless registrations and memberships, outbox
expiry and lookup by chat, chat trails

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types
from storage.sensitivity import event_is_sensitive

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))
    connection = op.get_bind()
    events = connection.execute(sa.text('SELECT id, type, title, place FROM events')).all()
    sensitive = [{'id': row.id} for row in events if event_is_sensitive(row.type, row.title, row.place)]
    if sensitive:
        connection.execute(sa.text('UPDATE events SET sensitive = true WHERE id = :id'), sensitive)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True)

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_chat_id', ['chat_id'], unique=False)

    op.create_table(
        'chat_trails',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('message_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_chat_trails')),
    )
    with op.batch_alter_table('chat_trails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_trails_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('chat_trails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_trails_expires_at'))
    op.drop_table('chat_trails')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_chat_id')
        batch_op.drop_column('expires_at')

    # Nameless rows have no person to point back to: they cannot survive the NOT NULL.
    op.execute('DELETE FROM memberships WHERE person_id IS NULL')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)

    op.execute('DELETE FROM registrations WHERE person_id IS NULL')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('sensitive')
