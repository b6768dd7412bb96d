"""walk-in identities: one row per person recorded by name, which staff may merge with a
registered person

Until now a walk-in was only a keyed hash of the centre and the typed name, so everyone typed
with the same name at a centre was one person. The data migration keeps that for what was
recorded before: each distinct walk-in key at a centre becomes exactly one walk-in identity,
whose name key and beneficiary key are that same old key, and its attendance rows point at
it. Same-name walk-ins recorded before this revision therefore stay one identity each, as
they were counted, and no historic 4.2.8 figure changes. Only walk-ins recorded from now on
ask staff whether a matching name is the same person or a new one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'walkins',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('centre_id', sa.String(length=64), nullable=False),
        sa.Column('name_key', sa.String(length=64), nullable=False),
        sa.Column('beneficiary_key', sa.String(length=64), nullable=False),
        sa.Column('person_id', ID, nullable=True),
        sa.Column('merged_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_walkins_centre_id_centres')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_walkins_person_id_people'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_walkins')),
        sa.UniqueConstraint('beneficiary_key', name=op.f('uq_walkins_beneficiary_key')),
    )
    op.create_index(op.f('ix_walkins_centre_id'), 'walkins', ['centre_id'])
    op.create_index(op.f('ix_walkins_name_key'), 'walkins', ['name_key'])
    op.create_index(op.f('ix_walkins_person_id'), 'walkins', ['person_id'])

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('walkin_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_attendance_walkin_id'), ['walkin_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_attendance_walkin_id_walkins'), 'walkins', ['walkin_id'], ['id'], ondelete='SET NULL'
        )

    # One identity per distinct old walk-in key (the key already named the centre).
    connection = op.get_bind()
    connection.execute(sa.text(
        'INSERT INTO walkins (centre_id, name_key, beneficiary_key, created_at) '
        'SELECT e.centre_id, a.beneficiary_key, a.beneficiary_key, MIN(a.recorded_at) '
        'FROM attendance a JOIN events e ON e.id = a.event_id '
        "WHERE a.kind = 'walkin' AND a.beneficiary_key IS NOT NULL "
        'GROUP BY e.centre_id, a.beneficiary_key'
    ))
    connection.execute(sa.text(
        'UPDATE attendance SET walkin_id = (SELECT w.id FROM walkins w WHERE w.beneficiary_key = attendance.beneficiary_key) '
        "WHERE kind = 'walkin' AND beneficiary_key IS NOT NULL"
    ))


def downgrade() -> None:
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attendance_walkin_id_walkins'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attendance_walkin_id'))
        batch_op.drop_column('walkin_id')
    op.drop_index(op.f('ix_walkins_person_id'), table_name='walkins')
    op.drop_index(op.f('ix_walkins_name_key'), table_name='walkins')
    op.drop_index(op.f('ix_walkins_centre_id'), table_name='walkins')
    op.drop_table('walkins')
