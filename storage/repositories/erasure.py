"""The statements of an erasure: what is linked to one person is removed, and the few counted
facts that must stay (a place at an event that has begun, an attendance, an approved
membership) stay without anything that leads back to them.

A random key replaces a pseudonym the secret could recompute: one per erasure, shared by all of
the person's attendance rows, so distinct people (4.2.8) are still counted right.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Event, Membership, Registration
from storage.rowcount import changed_rows

APPROVED = "approved"


def random_key() -> str:
    """Looks like any keyed pseudonym (64 hex digits) and is derived from nothing."""
    return secrets.token_hex(32)


async def registrations_of(session: AsyncSession, person_id: int) -> Sequence[tuple[Registration, Event]]:
    statement = (
        select(Registration, Event).join(Event, Event.id == Registration.event_id).where(Registration.person_id == person_id)
    )
    return [(r, e) for r, e in (await session.execute(statement)).all()]


def counts_for_the_event(registration: Registration, event: Event, now: datetime) -> bool:
    """A confirmed place at an event that was held or has begun is in the event's figures
    (registered), or will be once attendance is taken."""
    return registration.status == "confirmed" and (event.status == "held" or event.starts_at <= now)


async def make_registration_nameless(session: AsyncSession, registration_id: int) -> None:
    await session.execute(update(Registration).where(Registration.id == registration_id).values(person_id=None))


async def delete_registration(session: AsyncSession, registration_id: int) -> None:
    await session.execute(delete(Registration).where(Registration.id == registration_id))


async def make_attendance_nameless(session: AsyncSession, person_id: int | None, beneficiary_key: str) -> int:
    """Every attendance row of the person, found by their key or their person row."""
    mine = Attendance.beneficiary_key == beneficiary_key
    if person_id is not None:
        mine = or_(mine, Attendance.person_id == person_id)
    result = await session.execute(update(Attendance).where(mine).values(beneficiary_key=random_key(), person_id=None))
    return changed_rows(result)


async def erase_memberships(session: AsyncSession, person_id: int) -> tuple[int, int]:
    """(removed, kept nameless): an approved membership counts for 4.2.11 and stays, with no
    person, no name and a random identity key; pending and declined ones go."""
    approved = (Membership.person_id == person_id) & (Membership.status == APPROVED)
    kept = await session.execute(
        update(Membership).where(approved).values(person_id=None, member_name="", identity_key=random_key(), decline_reason=None)
    )
    removed = await session.execute(delete(Membership).where(Membership.person_id == person_id))
    return changed_rows(removed), changed_rows(kept)
