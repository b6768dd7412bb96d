"""The demo's simulated staff year, played through the real staff services on SQLite and
PostgreSQL: the indicators read from the database must show what the simulation says it did,
and the same seed must give the same year."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from devtools.demo.staff_activity import StaffActivityError, StaffActivitySummary, simulate_staff_year
from reports.aggregate import actual_of, observe_year
from storage.models import AuditEntry, Base, IndicatorEntry, Membership

ZONE = ZoneInfo("Europe/Istanbul")
SECRET = b"demo-test-secret-0123456789abcdef"
TODAY = date(2026, 11, 25)
# A short year-to-date keeps the repeated runs quick; it still has every kind of work.
EARLY = date(2026, 1, 31)


async def _simulate(db, *, seed: int = 11, today: date = TODAY) -> StaffActivitySummary:
    return await simulate_staff_year(db.sessions, secret=SECRET, seed=seed, today=today, zone=ZONE)


async def _actions(db) -> dict[str, int]:
    async with db.sessions() as session:
        rows = await session.execute(select(AuditEntry.action, func.count()).group_by(AuditEntry.action))
        return {action: count for action, count in rows.all()}


async def _audit_trail(db) -> list[tuple[str, str, str]]:
    """The audit log without database ids, which need not repeat between databases."""
    async with db.sessions() as session:
        rows = await session.execute(select(AuditEntry.at, AuditEntry.action, AuditEntry.object_type).order_by(AuditEntry.id))
        return [(at.isoformat(), action, kind) for at, action, kind in rows.all()]


async def _wipe(db) -> None:
    async with db.sessions.begin() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


async def test_indicators_show_what_the_staff_did(db) -> None:
    summary = await _simulate(db)

    expected = {
        "4.2.1": summary.youth_centres_completed,
        "4.2.2": summary.children_youth_events,
        "4.2.3": summary.aid_students,
        "4.2.4": summary.gender_trainings,
        "4.2.6": summary.women_centres_completed,
        "4.2.7": summary.women_events,
        "4.2.8": summary.disability_beneficiaries,
        "4.2.10": summary.ageing_courses,
        "4.2.11": summary.members_approved,
    }
    assert summary.by_indicator() == expected
    async with db.sessions() as session:
        observed = await observe_year(session, TODAY.year)
    assert {code: actual_of(observed.get(code)) for code in expected} == expected
    assert all(value > 0 for value in expected.values()), expected

    # Every action went through the audited services.
    actions = await _actions(db)
    events = (
        summary.children_youth_events + summary.gender_trainings + summary.women_events
        + summary.disability_activities + summary.ageing_courses + summary.upcoming_events + summary.cancelled_events
    )
    assert actions["event.create"] == events
    assert actions["attendance.record"] == summary.attendance_records > summary.disability_beneficiaries
    assert actions["event.cancel"] == summary.cancelled_events == 1
    assert actions["entry.correct"] == summary.aid_corrections == 1
    assert actions["membership.approve"] == summary.members_approved
    assert actions["membership.decline"] == summary.members_declined == 1
    assert actions["staff.join"] >= summary.staff_members

    async with db.sessions() as session:
        statuses = dict((await session.execute(select(Membership.status, func.count()).group_by(Membership.status))).all())
        reasons = (await session.execute(select(Membership.decline_reason).where(Membership.status == "declined"))).scalars()
        correction = (await session.execute(select(IndicatorEntry).where(IndicatorEntry.corrects_entry_id.is_not(None)))).scalar_one()
    assert statuses == {"approved": summary.members_approved, "declined": 1, "pending": summary.members_pending}
    assert summary.members_pending >= 1
    assert all(reason and reason.strip() for reason in reasons)
    assert (correction.indicator_code, correction.quantity) == ("4.2.3", 0) and correction.reason


async def test_the_same_seed_gives_the_same_year(db) -> None:
    first = await _simulate(db, today=EARLY)
    trail = await _audit_trail(db)
    assert first.children_youth_events and first.disability_beneficiaries and first.aid_students

    # A database that already holds the year is refused, and nothing is added to it.
    with pytest.raises(StaffActivityError):
        await _simulate(db, today=EARLY)
    assert await _audit_trail(db) == trail

    await _wipe(db)
    assert await _simulate(db, today=EARLY) == first
    assert await _audit_trail(db) == trail

    await _wipe(db)
    assert await _simulate(db, seed=12, today=EARLY) != first
