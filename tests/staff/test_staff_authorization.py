"""Every staff and manager action against every kind of actor, checked in the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from tests_staff_support import NOW, SECRET, TODAY, make_person

from services import attendance, entries, events, invites, memberships, roles
from services.roles import Refused
from storage.models import (
    AuditEntry,
    Event,
    IndicatorEntry,
    Invite,
    Membership,
    StaffMember,
)

ZONE = events.ZoneInfo("Europe/Istanbul")
ACTORS = ("admin", "manager", "konak", "elsewhere", "citizen", "revoked")
# Who may act for the women's centre in Konak, and for the whole municipality.
CENTRE_ALLOWED = {"admin", "manager", "konak"}
MANAGER_ALLOWED = {"admin", "manager"}
ADMIN_ALLOWED = {"admin"}


async def _actor(session, crew, name: str):
    """Read from the database as a handler would on every update."""
    user_ids = {"admin": 9001, "manager": 9002, "konak": 9003, "elsewhere": 9004, "citizen": 7777, "revoked": 9005}
    return await roles.current(session, user_ids[name])


def _draft(start_in_hours: float = 48) -> events.Draft:
    return events.Draft(
        type="women", centre_id="konak-kadin", title="Atölye", starts_at=NOW + timedelta(hours=start_in_hours),
        place="Salon", capacity=10, audience="women", language="tr",
    )


async def _seed(db, crew) -> dict[str, int]:
    async with db.sessions.begin() as session:
        event = await events.create(session, crew.admin, _draft(), publish=True, now=NOW)
        soon = await events.create(session, crew.admin, _draft(1), publish=True, now=NOW)
        entry = await entries.add_milestone(
            session, crew.admin, code="4.2.6", centre_id="bayrakli-kadin", completed_on=date(2026, 11, 1),
            note="kabul tutanağı", now=NOW, today=TODAY,
        )
        person = await make_person(session, 6001)
        person.health_consent_at = NOW
        membership = await memberships.apply(
            session, person=person, centre_id="karsiyaka-alzheimer", relation="family", member_name="Fatma Kaya",
            birth_date=date(1948, 3, 1), contact_preference="telegram", secret=SECRET, now=NOW,
        )
        return {
            "event": event.id, "soon": soon.id, "entry": entry.id, "membership": membership.id,
            "staff": crew.elsewhere.staff_id,
        }


async def _count(session, model, *where) -> int:
    return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


CASES = {
    "event.create": (
        CENTRE_ALLOWED,
        lambda s, a, ids: events.create(s, a, _draft(), publish=True, now=NOW),
        lambda s, ids: _count(s, Event),
        (2, 3),
    ),
    "event.cancel": (
        CENTRE_ALLOWED,
        lambda s, a, ids: events.cancel(s, a, ids["event"], now=NOW),
        lambda s, ids: _count(s, Event, Event.status == "cancelled"),
        (0, 1),
    ),
    "event.move": (
        CENTRE_ALLOWED,
        lambda s, a, ids: events.move(s, a, ids["event"], NOW + timedelta(days=5), now=NOW),
        lambda s, ids: _count(s, Event, Event.starts_at == NOW + timedelta(days=5)),
        (0, 1),
    ),
    "attendance.record": (
        CENTRE_ALLOWED,
        lambda s, a, ids: attendance.set_headcount(s, a, event_id=ids["soon"], count=12, now=NOW),
        lambda s, ids: _count(s, Event, Event.status == "held", Event.headcount == 12),
        (0, 1),
    ),
    "entry.add": (
        CENTRE_ALLOWED,
        lambda s, a, ids: entries.log_aid(
            s, a, centre_id="konak-kadin", occurred_on=date(2026, 11, 20), school_ids=["123"], note=None,
            secret=SECRET, now=NOW, today=TODAY,
        ),
        lambda s, ids: _count(s, IndicatorEntry, IndicatorEntry.indicator_code == "4.2.3"),
        (0, 1),
    ),
    "entry.milestone": (
        MANAGER_ALLOWED,
        lambda s, a, ids: entries.add_milestone(
            s, a, code="4.2.1", centre_id="torbali-genclik", completed_on=date(2026, 11, 2), note="geçici kabul",
            now=NOW, today=TODAY,
        ),
        lambda s, ids: _count(s, IndicatorEntry, IndicatorEntry.indicator_code == "4.2.1"),
        (0, 1),
    ),
    "entry.correct": (
        MANAGER_ALLOWED,
        lambda s, a, ids: entries.correct(
            s, a, entry_id=ids["entry"], quantity=0, occurred_on=None, note=None, reason="yanlış merkez", now=NOW, today=TODAY,
        ),
        lambda s, ids: _count(s, IndicatorEntry, IndicatorEntry.corrects_entry_id == ids["entry"]),
        (0, 1),
    ),
    "membership.approve": (
        MANAGER_ALLOWED,  # nobody in the crew below manager works at the Alzheimer centre
        lambda s, a, ids: memberships.decide(
            s, a, membership_id=ids["membership"], approve=True, reason=None, zone=ZONE, now=NOW
        ),
        lambda s, ids: _count(s, Membership, Membership.status == "approved"),
        (0, 1),
    ),
    # Staff accounts are the admins' (and the IT team's, at the command line) alone.
    "staff.invite": (
        ADMIN_ALLOWED,
        lambda s, a, ids: invites.create(s, role="manager", centre_id=None, hours=24, actor=a, now=NOW),
        lambda s, ids: _count(s, Invite, Invite.role == "manager"),
        (1, 2),
    ),
    "staff.revoke": (
        ADMIN_ALLOWED,
        lambda s, a, ids: invites.revoke(s, staff_id=ids["staff"], actor=a, now=NOW),
        lambda s, ids: _count(s, StaffMember, StaffMember.id == ids["staff"], StaffMember.active.is_(True)),
        (1, 0),
    ),
}


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", sorted(CASES))
async def test_each_action_is_allowed_exactly_for_its_roles(db, crew, action: str, actor_name: str) -> None:
    allowed_for, call, measure, (expected_refused, expected_allowed) = CASES[action]
    ids = await _seed(db, crew)
    async with db.sessions() as session, session.begin():
        actor = await _actor(session, crew, actor_name)
        audit_before = await _count(session, AuditEntry, AuditEntry.action.like(action.split(".")[0] + ".%"))
        if actor_name in allowed_for:
            await call(session, actor, ids)
            assert await measure(session, ids) == expected_allowed
            assert await _count(session, AuditEntry, AuditEntry.action.like(action.split(".")[0] + ".%")) > audit_before
        else:
            with pytest.raises(Refused):
                await call(session, actor, ids)
            assert await measure(session, ids) == expected_refused
            assert await _count(session, AuditEntry, AuditEntry.action.like(action.split(".")[0] + ".%")) == audit_before
        await session.rollback()


async def test_a_revoked_member_is_nobody_on_the_next_update(db, crew) -> None:
    async with db.sessions.begin() as session:
        assert await roles.current(session, 9005) is None
        konak = await roles.current(session, 9003)
        assert konak is not None and konak.centres == {"konak-kadin", "bornova-engelli"}


def test_unknown_actions_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        roles.can(None, "event.explode")
