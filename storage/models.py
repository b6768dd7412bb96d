"""The database schema.

Citizens are known by a keyed pseudonym (HMAC of their Telegram id), never by the id itself:
the Telegram id is stored only where a person chose an identified service (a membership, an
event registration) or is staff. Anonymous survey responses carry no pseudonym at all; their
drafts, the pending pool and the participation tokens below are kept apart from everything
identified (docs/privacy.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

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
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.sensitivity import event_is_sensitive
from storage.types import BigIntKey, Json, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        __table__: ClassVar[Table]  # every model here maps one table, which Core statements take

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
    """A person talking to the bot, keyed by pseudonym; holds only language and consents.

    `consents` maps each purpose the person agreed to (survey, events, membership, health) to
    the notice version and the time they agreed (`bot.consent.purposes`)."""

    __tablename__ = "citizens"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2))
    consents: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
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
    """One completed survey; one per respondent, survey and period.

    The id is random (never a sequence shared by two surveys, which would date an anonymous
    answer by its neighbours). An anonymous response has no time, and its respondent key is
    random: it keeps the column's uniqueness and leads to nobody."""

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


class SurveyDraft(Base):
    """An anonymous survey in progress, the only row a turn inside it writes.

    Keyed in a domain of its own (`draft_key`), sealed whole (answers, message and update ids),
    with only an expiry rounded to the hour in clear. `fresh` marks a row written since the
    anonymous-storage job last rewrote them all (which gives them one PostgreSQL xmin)."""

    __tablename__ = "survey_drafts"
    __table_args__ = {"sqlite_with_rowid": False}
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    fresh: Mapped[bool] = mapped_column(Boolean, default=True)


class PendingResponse(Base):
    """A completed anonymous response waiting to be released into `responses` in a shuffled
    batch; the id it will keep, the day, and the response sealed."""

    __tablename__ = "pending_responses"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    completed_on: Mapped[date] = mapped_column(Date)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ParticipationSalt(Base):
    """The random salt of one anonymous survey's period: left out of backups, deleted with the
    period's tokens when the period ends."""

    __tablename__ = "participation_salts"
    __table_args__ = {"sqlite_with_rowid": False}
    survey_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    ends_at: Mapped[datetime]


class ParticipationToken(Base):
    """Someone completed this survey in this period; who, only the period's salt can tell."""

    __tablename__ = "participation_tokens"
    __table_args__ = {"sqlite_with_rowid": False}
    survey_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    fresh: Mapped[bool] = mapped_column(Boolean, default=True)


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


def _sensitive_by_default(context: Any) -> bool:
    values = context.get_current_parameters()
    return event_is_sensitive(values.get("type"), values.get("title"), values.get("place"))


class Event(Base):
    """`sensitive`: reminders and notices about it name no topic (storage/sensitivity.py)."""

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
    sensitive: Mapped[bool] = mapped_column(Boolean, default=_sensitive_by_default, server_default=false())


class Registration(Base):
    """A place at an event: `confirmed`, `waiting` (in `position` order) or `cancelled`.

    `person_id` is empty once that person was erased: a confirmed place at an event that has
    begun stays, nameless, so the event's figures do not change."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "person_id", name="uq_registrations_once"),)
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("people.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class Walkin(Base):
    """One person staff recorded by name, without Telegram, at one centre: their identity.

    The name is never stored: `name_key` (a keyed hash of the centre and the normalised name)
    only finds the walk-ins who share a name, so staff can say whether this is one of them or
    a new person. `beneficiary_key` is what their attendance rows carry. `person_id` links the
    walk-in to a registered person once staff merged them: their rows then carry the person's
    key, so the two count once.
    """

    __tablename__ = "walkins"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    centre_id: Mapped[str] = mapped_column(String(64), ForeignKey("centres.id"), index=True)
    name_key: Mapped[str] = mapped_column(String(64), index=True)
    beneficiary_key: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    merged_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Attendance(Base):
    """Who came to an event; a beneficiary key counts distinct people without naming them.

    `person_id` links a registered attendee so the tick list can show who is ticked. When that
    person is erased it is cleared and their key replaced by one random key shared by all their
    rows: distinct people are still counted right, and the secret no longer leads to them.
    `walkin_id` is the walk-in identity a row was recorded for by name.
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
    walkin_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("walkins.id", ondelete="SET NULL"), index=True
    )


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


class KeyCheck(Base):
    """A check value of KENTBOT_SECRET (an HMAC of a fixed text, never the key), so a process
    started with another key is stopped before it writes pseudonyms nobody can match."""

    __tablename__ = "key_checks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    check_value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


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
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_sent_at", "sent_at"),
        # The safe exit and an erasure find a chat's messages by it.
        Index("ix_outbox_chat_id", "chat_id"),
    )
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    # Not sent after this (a day-before reminder only in the daytime of the day before).
    expires_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    # The drainer that holds the row; every later step checks it, so a worker whose lease ran
    # out can never mark (or send) a row another worker has taken over.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class SurveyInvitationRecord(Base):
    """One survey invitation queued, what sent it and how far it led, for the response rates.

    Keyed by its outbox row's dedupe key (one per person, survey and period, whatever sent it).
    `source` is what sent it: "attendance" (after an activity, `centre_id` its centre) or a
    campaign's audience ("attendees", "members", "all"). Started and completed are marked by the
    survey flow for identified surveys only: for an anonymous survey they stay empty, since
    marking them would tie an anonymous answer to the person invited."""

    __tablename__ = "survey_invitations"
    dedupe_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    period: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    centre_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("centres.id"))
    invited_on: Mapped[date] = mapped_column(Date, index=True)
    # Kept here when its sent outbox row is purged (after 30 days): the rates still count it.
    delivered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)


class ChatTrail(Base):
    """The ids of messages in a chat about whose person nothing else is kept (before consent,
    after an erasure), so the safe exit can still clear it; purged within minutes.

    Keyed by its own pseudonym (`storage.pseudonyms.trail_key`), not the citizen key."""

    __tablename__ = "chat_trails"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_ids: Mapped[list[Any]]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Membership(Base):
    """A membership of the Alzheimer & dementia centre, asked for in the bot and decided by staff.

    `identity_key` (a keyed hash of the member's normalised identity) catches the same person
    registered twice without storing more than needed. When the applicant is erased, an approved
    membership stays for 4.2.11 with no person, no name and a random identity key.
    """

    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    person_id: Mapped[int | None] = mapped_column(
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


class PublicSnapshot(Base):
    """A satisfaction figure as the public pages published it: frozen once written, so two
    figures a visitor can compare always differ by 5 answers or more (docs/privacy.md)."""

    __tablename__ = "public_snapshots"
    __table_args__ = (UniqueConstraint("year", "code", "cell", "n", name="uq_public_snapshots_once"),)
    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    cell: Mapped[str] = mapped_column(String(120))  # "" for the indicator, else the centre
    published_on: Mapped[date] = mapped_column(Date)
    satisfied: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)


class PanelLink(Base):
    """A single-use sign-in link to the web panel, sent in a staff member's own chat; only the
    hash of its token is kept, so a copy of the database signs nobody in."""

    __tablename__ = "panel_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PanelSession(Base):
    """A signed-in web panel session, known by the hash of its cookie; `ended_at` is set on
    sign-out and when the member is revoked."""

    __tablename__ = "panel_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
