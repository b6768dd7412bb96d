"""Reading the figures behind the indicators, reduced by the database, and the weekly
report's subscriptions and runs.

Every aggregate here is a GROUP BY: the caller gets one row per day and group, never one
row per answer, so a year of a city-wide survey costs a few hundred rows of memory.
Times are filtered as UTC instants; turning them into local days is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from storage.dialect import insert_ignoring_conflicts
from storage.models import (
    Attendance,
    Centre,
    Event,
    IndicatorEntry,
    Membership,
    Registration,
    ReportRun,
    ReportSubscription,
    Response,
    StaffMember,
)
from storage.rowcount import changed_rows

MANAGER_ROLES = ("manager", "admin")
HELD = "held"
DRAFT = "draft"
APPROVED = "approved"


# --- Reduced figures -------------------------------------------------------------------------


def _answered(survey_ids: Sequence[str], start: date, end: date) -> ColumnElement[bool]:
    """Responses to these surveys with a satisfaction answer, completed on the local days
    [start, end], both included: the one date rule of every satisfaction figure."""
    return and_(
        Response.survey_id.in_(survey_ids),
        Response.completed_on >= start,
        Response.completed_on <= end,
        Response.satisfied.is_not(None),
    )


def _satisfaction(survey_ids: Sequence[str], start: date, end: date, *groups: ColumnElement[Any] | InstrumentedAttribute[Any]) -> Select[Any]:
    """(*groups, satisfied, n) for [start, end]: top-2-box counts reduced by the database;
    unanswered satisfaction questions (NULL) are not in n."""
    satisfied = func.coalesce(func.sum(case((Response.satisfied.is_(True), 1), else_=0)), 0)
    return select(*groups, satisfied, func.count(Response.id)).where(_answered(survey_ids, start, end)).group_by(*groups)


async def survey_days(
    session: AsyncSession, survey_ids: Sequence[str], start: date, end: date
) -> list[tuple[str, date, int, int, int]]:
    """(survey_id, completed_on, satisfied, n, skipped) per day for [start, end]: `skipped`
    counts the responses without a satisfaction answer, outside n, so the base can be stated."""
    satisfied = func.coalesce(func.sum(case((Response.satisfied.is_(True), 1), else_=0)), 0)
    skipped = func.coalesce(func.sum(case((Response.satisfied.is_(None), 1), else_=0)), 0)
    statement = (
        select(Response.survey_id, Response.completed_on, satisfied, func.count(Response.satisfied), skipped)
        .where(Response.survey_id.in_(survey_ids), Response.completed_on >= start, Response.completed_on <= end)
        .group_by(Response.survey_id, Response.completed_on)
    )
    return [(s, d, int(y), int(n), int(k)) for s, d, y, n, k in (await session.execute(statement)).all()]


async def survey_breakdown(
    session: AsyncSession, survey_id: str, start: date, end: date, by: str
) -> list[tuple[str | None, int, int]]:
    """(group, satisfied, n) by `centre`, `language` or `role` for [start, end]."""
    column = {"centre": Response.centre_id, "language": Response.language, "role": Response.respondent_role}[by]
    statement = _satisfaction([survey_id], start, end, column)
    return [(key, int(y), int(n)) for key, y, n in (await session.execute(statement)).all()]


async def held_event_starts(
    session: AsyncSession, types: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, datetime, int]]:
    """(type, starts_at, events) for held events starting in [start, end); grouped by the
    instant, as the local day depends on the time zone rules, which SQLite does not know."""
    statement = (
        select(Event.type, Event.starts_at, func.count(Event.id))
        .where(Event.status == HELD, Event.type.in_(types), Event.starts_at >= start, Event.starts_at < end)
        .group_by(Event.type, Event.starts_at)
    )
    return [(t, s, int(n)) for t, s, n in (await session.execute(statement)).all()]


async def event_activity(
    session: AsyncSession, types: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, datetime, int]]:
    """(type, starts_at, events) of events past their draft (published, held or cancelled)
    starting in [start, end): whether an event indicator has any record at all."""
    statement = (
        select(Event.type, Event.starts_at, func.count(Event.id))
        .where(Event.status != DRAFT, Event.type.in_(types), Event.starts_at >= start, Event.starts_at < end)
        .group_by(Event.type, Event.starts_at)
    )
    return [(t, s, int(n)) for t, s, n in (await session.execute(statement)).all()]


async def membership_activity(session: AsyncSession, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(created_at, applications) of membership applications made in [start, end), whatever
    became of them: whether the membership indicator has any record at all."""
    statement = (
        select(Membership.created_at, func.count(Membership.id))
        .where(Membership.created_at >= start, Membership.created_at < end)
        .group_by(Membership.created_at)
    )
    return [(at, int(n)) for at, n in (await session.execute(statement)).all()]


async def first_attendance(
    session: AsyncSession, event_type: str, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """(first held event's start, people) for the distinct beneficiaries of held events of
    `event_type` in [start, end): summing the counts up to a day gives the distinct people
    served up to that day."""
    first = (
        select(Attendance.beneficiary_key, func.min(Event.starts_at).label("first_at"))
        .join(Event, Event.id == Attendance.event_id)
        .where(
            Event.status == HELD,
            Event.type == event_type,
            Event.starts_at >= start,
            Event.starts_at < end,
            Attendance.beneficiary_key.is_not(None),
        )
        .group_by(Attendance.beneficiary_key)
        .subquery()
    )
    statement = select(first.c.first_at, func.count()).group_by(first.c.first_at)
    return [(at, int(n)) for at, n in (await session.execute(statement)).all()]


def _effective_entries() -> ColumnElement[bool]:
    """Entries no later row corrects: a correction replaces its original, never adds to it."""
    newer = aliased(IndicatorEntry)
    return ~select(newer.id).where(newer.corrects_entry_id == IndicatorEntry.id).exists()


async def entry_days(
    session: AsyncSession, codes: Sequence[str], start: date, end: date
) -> list[tuple[str, date, float, int]]:
    """(code, occurred_on, quantity, entries) of effective staff entries in [start, end]."""
    statement = (
        select(
            IndicatorEntry.indicator_code,
            IndicatorEntry.occurred_on,
            func.sum(IndicatorEntry.quantity),
            func.count(IndicatorEntry.id),
        )
        .where(
            IndicatorEntry.indicator_code.in_(codes),
            IndicatorEntry.occurred_on >= start,
            IndicatorEntry.occurred_on <= end,
            _effective_entries(),
        )
        .group_by(IndicatorEntry.indicator_code, IndicatorEntry.occurred_on)
    )
    return [(c, d, float(q), int(n)) for c, d, q, n in (await session.execute(statement)).all()]


async def membership_days(session: AsyncSession, start: date, end: date) -> list[tuple[date, int]]:
    """(approved_on, members) of approved memberships in [start, end]."""
    statement = (
        select(Membership.approved_on, func.count(Membership.id))
        .where(Membership.status == APPROVED, Membership.approved_on >= start, Membership.approved_on <= end)
        .group_by(Membership.approved_on)
    )
    return [(d, int(n)) for d, n in (await session.execute(statement)).all()]  # type: ignore[misc]  # SQL keeps approved rows, dated


# --- The rows behind a number ----------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    id: int
    survey_version: int
    completed_on: date
    centre: str | None
    language: str
    role: str | None
    satisfied: bool


@dataclass(frozen=True)
class EventDetail:
    id: int
    starts_at: datetime
    centre: str
    type: str
    title: str
    created_by: str | None
    registered: int
    attended: int
    beneficiaries: int
    headcount: int | None


@dataclass(frozen=True)
class FirstAttendance:
    """A person's first attendance at a held event of a type: the row that counts them once."""

    attendance_id: int
    event_id: int
    starts_at: datetime
    centre: str
    title: str
    recorded_by: str | None


@dataclass(frozen=True)
class EntryRow:
    id: int
    occurred_on: date
    centre: str | None
    quantity: float
    note: str | None
    corrects: int | None
    replaced: bool
    entered_by: str
    entered_at: datetime


@dataclass(frozen=True)
class MembershipRow:
    id: int
    approved_on: date
    centre: str
    decided_by: str | None
    decided_at: datetime | None


async def responses(session: AsyncSession, survey_id: str, start: date, end: date) -> list[ResponseRow]:
    """Responses with a satisfaction answer; no respondent key and no answers are read."""
    statement = (
        select(
            Response.id,
            Response.survey_version,
            Response.completed_on,
            Centre.name_tr,
            Response.language,
            Response.respondent_role,
            Response.satisfied,
        )
        .outerjoin(Centre, Centre.id == Response.centre_id)
        .where(_answered([survey_id], start, end))
        .order_by(Response.completed_on, Response.id)
    )
    return [ResponseRow(*row) for row in (await session.execute(statement)).all()]  # type: ignore[arg-type]  # SQL: satisfied is set


async def held_events(
    session: AsyncSession, types: Sequence[str], start: datetime, end: datetime
) -> list[EventDetail]:
    """Held events starting in [start, end) with their registrations and attendance counts."""
    registered = (
        select(func.count(Registration.id))
        .where(Registration.event_id == Event.id, Registration.status == "confirmed")
        .scalar_subquery()
    )
    attended = select(func.count(Attendance.id)).where(Attendance.event_id == Event.id).scalar_subquery()
    beneficiaries = (
        select(func.count(distinct(Attendance.beneficiary_key))).where(Attendance.event_id == Event.id).scalar_subquery()
    )
    statement = (
        select(
            Event.id,
            Event.starts_at,
            Centre.name_tr,
            Event.type,
            Event.title,
            StaffMember.display_name,
            registered,
            attended,
            beneficiaries,
            Event.headcount,
        )
        .join(Centre, Centre.id == Event.centre_id)
        .outerjoin(StaffMember, StaffMember.id == Event.created_by)
        .where(Event.status == HELD, Event.type.in_(types), Event.starts_at >= start, Event.starts_at < end)
        .order_by(Event.starts_at, Event.id)
    )
    return [
        EventDetail(i, s, c, t, title, by, int(r), int(a), int(b), h)
        for i, s, c, t, title, by, r, a, b, h in (await session.execute(statement)).all()
    ]


async def first_attendances(
    session: AsyncSession, event_type: str, start: datetime, end: datetime
) -> list[FirstAttendance]:
    """For each distinct beneficiary of held `event_type` events in [start, end), their first
    attendance (earliest start, then lowest id); no key or name is read out."""
    order = func.row_number().over(partition_by=Attendance.beneficiary_key, order_by=(Event.starts_at, Attendance.id))
    ranked = (
        select(
            Attendance.id.label("attendance_id"),
            Event.id.label("event_id"),
            Event.starts_at.label("starts_at"),
            Event.centre_id.label("centre_id"),
            Event.title.label("title"),
            Attendance.recorded_by.label("recorded_by"),
            order.label("rank"),
        )
        .join(Event, Event.id == Attendance.event_id)
        .where(
            Event.status == HELD,
            Event.type == event_type,
            Event.starts_at >= start,
            Event.starts_at < end,
            Attendance.beneficiary_key.is_not(None),
        )
        .subquery()
    )
    statement = (
        select(ranked.c.attendance_id, ranked.c.event_id, ranked.c.starts_at, Centre.name_tr, ranked.c.title,
               StaffMember.display_name)
        .join(Centre, Centre.id == ranked.c.centre_id)
        .outerjoin(StaffMember, StaffMember.id == ranked.c.recorded_by)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.starts_at, ranked.c.attendance_id)
    )
    return [FirstAttendance(*row) for row in (await session.execute(statement)).all()]


async def entries(session: AsyncSession, code: str, start: date, end: date) -> list[EntryRow]:
    """Every entry for `code` in [start, end], replaced ones too, so corrections stay visible."""
    newer = aliased(IndicatorEntry)
    replaced = select(newer.id).where(newer.corrects_entry_id == IndicatorEntry.id).exists()
    statement = (
        select(
            IndicatorEntry.id,
            IndicatorEntry.occurred_on,
            Centre.name_tr,
            IndicatorEntry.quantity,
            IndicatorEntry.note,
            IndicatorEntry.corrects_entry_id,
            replaced,
            IndicatorEntry.entered_by,
            IndicatorEntry.entered_at,
        )
        .outerjoin(Centre, Centre.id == IndicatorEntry.centre_id)
        .where(
            IndicatorEntry.indicator_code == code,
            IndicatorEntry.occurred_on >= start,
            IndicatorEntry.occurred_on <= end,
        )
        .order_by(IndicatorEntry.occurred_on, IndicatorEntry.id)
    )
    return [EntryRow(*row) for row in (await session.execute(statement)).all()]


async def approved_memberships(session: AsyncSession, start: date, end: date) -> list[MembershipRow]:
    """Approved memberships; the member's name and identity are left out on purpose."""
    statement = (
        select(Membership.id, Membership.approved_on, Centre.name_tr, StaffMember.display_name, Membership.decided_at)
        .join(Centre, Centre.id == Membership.centre_id)
        .outerjoin(StaffMember, StaffMember.id == Membership.decided_by)
        .where(Membership.status == APPROVED, Membership.approved_on >= start, Membership.approved_on <= end)
        .order_by(Membership.approved_on, Membership.id)
    )
    return [MembershipRow(*row) for row in (await session.execute(statement)).all()]  # type: ignore[arg-type]  # approved: dated


async def held_without_attendance(
    session: AsyncSession, named_types: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, int]]:
    """(centre name, events) of held events of any type in [start, end) with no attendance
    recorded and no headcount; for `named_types`, whose indicator counts people by name, a
    headcount is not enough."""
    statement = (
        select(Centre.name_tr, func.count(Event.id))
        .join(Centre, Centre.id == Event.centre_id)
        .where(
            Event.status == HELD,
            Event.starts_at >= start,
            Event.starts_at < end,
            ~select(Attendance.id).where(Attendance.event_id == Event.id).exists(),
            or_(Event.headcount.is_(None), Event.type.in_(named_types)),
        )
        .group_by(Centre.name_tr)
        .order_by(Centre.name_tr)
    )
    return [(name, int(n)) for name, n in (await session.execute(statement)).all()]


async def centre_names(session: AsyncSession) -> dict[str, str]:
    return {i: n for i, n in (await session.execute(select(Centre.id, Centre.name_tr))).all()}


# --- Managers, subscriptions and runs --------------------------------------------------------


def _is_manager() -> ColumnElement[bool]:
    return and_(StaffMember.role.in_(MANAGER_ROLES), StaffMember.active.is_(True), StaffMember.revoked_at.is_(None))


async def subscribe(session: AsyncSession, staff_id: int, now: datetime) -> bool:
    """True when newly subscribed, False when already subscribed."""
    statement = insert_ignoring_conflicts(session, ReportSubscription).values(staff_id=staff_id, created_at=now)
    return changed_rows(await session.execute(statement)) == 1


async def unsubscribe(session: AsyncSession, staff_id: int) -> bool:
    result = await session.execute(delete(ReportSubscription).where(ReportSubscription.staff_id == staff_id))
    return changed_rows(result) == 1


async def subscribers(session: AsyncSession) -> Sequence[StaffMember]:
    """Subscribed staff who are still active managers or admins and can be reached."""
    statement = (
        select(StaffMember)
        .join(ReportSubscription, ReportSubscription.staff_id == StaffMember.id)
        .where(_is_manager(), StaffMember.telegram_user_id.is_not(None))
        .order_by(StaffMember.id)
    )
    return (await session.execute(statement)).scalars().all()


async def run_exists(session: AsyncSession, week: str) -> bool:
    return (await session.execute(select(ReportRun.id).where(ReportRun.week == week))).first() is not None


async def claim_run(
    session: AsyncSession, *, week: str, period_from: date, period_to: date, now: datetime
) -> bool:
    """Claim the report of an ISO week; False when another run (or worker) already has it.

    The claim commits with the queued messages, so a failed run leaves the week unclaimed.
    """
    statement = insert_ignoring_conflicts(session, ReportRun).values(
        week=week, period_from=period_from, period_to=period_to, recipients=0, ran_at=now
    )
    return changed_rows(await session.execute(statement)) == 1


async def record_recipients(session: AsyncSession, week: str, recipients: int) -> None:
    run = (await session.execute(select(ReportRun).where(ReportRun.week == week))).scalar_one()
    run.recipients = recipients
    await session.flush()
