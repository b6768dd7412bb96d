"""The database schema.

Citizens are known by a keyed pseudonym (HMAC of their Telegram id), never by the id itself:
the Telegram id is stored only where a person chose an identified service (a membership, an
event registration) or is staff. Anonymous survey responses carry a pseudonym scoped to the
survey and period, so they cannot be joined to anything else.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import BigIntKey, Json, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: Json, list[Any]: Json, datetime: UTCDateTime()}


class Centre(Base):
    """A municipal centre; loaded from the centres file."""

    __tablename__ = "centres"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    name_tr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Citizen(Base):
    """A person talking to the bot, keyed by pseudonym; holds only language and consent."""

    __tablename__ = "citizens"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2))
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Conversation(Base):
    """Where a citizen is in the chat: the whole state, so any worker can resume it."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_updated_at", "updated_at"),)
    citizen_key: Mapped[str] = mapped_column(
        String(64), ForeignKey("citizens.key", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]]
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    # The person's latest update ids: a redelivered one is recognised without a second table.
    applied_updates: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # Bumped by every write: a turn records what it showed only if nobody wrote in between.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime]


class SurveyDefinition(Base):
    """A survey as it was when answered: responses keep the version they were given."""

    __tablename__ = "survey_definitions"
    survey_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str | None] = mapped_column(String(16))
    anonymity: Mapped[str] = mapped_column(String(16))
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Response(Base):
    """One completed survey; one per respondent, survey and period."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "period", "respondent_key", name="uq_responses_once_per_period"),
        ForeignKeyConstraint(
            ["survey_id", "survey_version"],
            ["survey_definitions.survey_id", "survey_definitions.version"],
            name="fk_responses_definition",
        ),
        Index("ix_responses_survey_completed", "survey_id", "completed_on"),
    )
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    survey_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(16))
    respondent_key: Mapped[str] = mapped_column(String(64))
    centre_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("centres.id"))
    language: Mapped[str] = mapped_column(String(2))
    respondent_role: Mapped[str | None] = mapped_column(String(16))
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    score: Mapped[int | None] = mapped_column(Integer)
    completed_on: Mapped[date] = mapped_column(Date)
    # Left empty for anonymous surveys: a time of day can single a person out.
    completed_at: Mapped[datetime | None]


class Answer(Base):
    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("responses.id", ondelete="CASCADE"),
        index=True,
    )
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(Json)
    value_number: Mapped[float | None] = mapped_column(Float)


class ProcessedUpdate(Base):
    """Telegram update ids already applied, so a redelivered update has no second effect."""

    __tablename__ = "processed_updates"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class Person(Base):
    """Someone who chose an identified service (membership, registration) and can be told things."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    citizen_key: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    health_consent_at: Mapped[datetime | None]
    unreachable_at: Mapped[datetime | None]
    # Set when the person pressed "don't ask me again" under a survey invitation.
    survey_invites_opt_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class StaffMember(Base):
    __tablename__ = "staff_members"
    __table_args__ = (CheckConstraint("role in ('admin', 'manager', 'staff')", name="role"),)
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="tr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Whether Telegram currently shows this chat the staff command menu; a job reconciles it.
    menu_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StaffCentre(Base):
    """The centres a staff member may act for."""

    __tablename__ = "staff_centres"
    staff_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("staff_members.id", ondelete="CASCADE"),
        primary_key=True,
    )
    centre_id: Mapped[str] = mapped_column(String(64), ForeignKey("centres.id"), primary_key=True)


class Invite(Base):
    """A single-use, expiring code that turns a Telegram account into a staff member."""

    __tablename__ = "invites"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    centre_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("centres.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_staff_id: Mapped[int | None] = mapped_column(BigInteger)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    centre_id: Mapped[str] = mapped_column(String(64), ForeignKey("centres.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    audience: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="tr")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    headcount: Mapped[int | None] = mapped_column(Integer)
    held_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Registration(Base):
    """A place at an event: `confirmed`, `waiting` (in `position` order) or `cancelled`."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "person_id", name="uq_registrations_once"),)
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("people.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class Attendance(Base):
    """Who came to an event; a beneficiary key counts distinct people without naming them.

    `person_id` links a registered attendee so the tick list can show who is ticked; it is
    cleared when that person is erased, while the pseudonymous key keeps the count right.
    """

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("event_id", "beneficiary_key", name="uq_attendance_once"),)
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    beneficiary_key: Mapped[str | None] = mapped_column(String(64), index=True)
    person_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("people.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime]


class IndicatorEntry(Base):
    """A staff-entered figure (aid, milestone); corrections are new rows pointing at the old one."""

    __tablename__ = "indicator_entries"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    indicator_code: Mapped[str] = mapped_column(String(16), index=True)
    centre_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("centres.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    # Aid (4.2.3): a keyed hash of the student's school number and the year, never the number.
    beneficiary_key: Mapped[str | None] = mapped_column(String(64), index=True)
    corrects_entry_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("indicator_entries.id")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime]


class PlanValue(Base):
    """A planned value or baseline set by the municipality; the newest row for a year wins."""

    __tablename__ = "plan_values"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    indicator_code: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    planned: Mapped[float | None] = mapped_column(Float)
    baseline: Mapped[float | None] = mapped_column(Float)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only: who did what, when, with the state before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(Json)
    after: Mapped[dict[str, Any] | None] = mapped_column(Json)


class Lease(Base):
    """Work that one worker at a time may do (draining the outbox): who holds it, and until
    when; a holder that stops renewing it loses it, and another worker takes over."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message that is not a direct reply (reminder, invitation, notice, report), sent by the
    drainer within Telegram's limits; `dedupe_key` makes enqueueing the same thing twice a no-op.

    status: pending -> claimed (held, not yet handed to Telegram) -> sending (handed over) ->
    sent | blocked (403) | failed (refused or out of attempts); a `sending` row whose worker
    died becomes `uncertain` and is never resent without a person deciding (bot/outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"), Index("ix_outbox_sent_at", "sent_at"))
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    # The drainer that holds the row; every later step checks it, so a worker whose lease ran
    # out can never mark (or send) a row another worker has taken over.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Membership(Base):
    """A membership of the Alzheimer & dementia centre, asked for in the bot and decided by staff.

    `identity_key` (a keyed hash of the member's normalised identity) catches the same person
    registered twice without storing more than needed.
    """

    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    centre_id: Mapped[str] = mapped_column(String(64), ForeignKey("centres.id"))
    relation: Mapped[str] = mapped_column(String(16))
    member_name: Mapped[str] = mapped_column(String(200))
    identity_key: Mapped[str] = mapped_column(String(64), index=True)
    contact_preference: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    approved_on: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ReportSubscription(Base):
    """A manager who asked for the weekly report; roles are checked again at every send."""

    __tablename__ = "report_subscriptions"
    staff_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("staff_members.id", ondelete="CASCADE"),
        primary_key=True,
    )
    created_at: Mapped[datetime]


class ReportRun(Base):
    """One weekly report per ISO week: the unique week is the claim that stops a second send."""

    __tablename__ = "report_runs"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    ran_at: Mapped[datetime]
