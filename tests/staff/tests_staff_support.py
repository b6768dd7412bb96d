"""Fixtures for the staff side: the real centres in the database and members of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from services import invites
from services.roles import Actor, actor_for
from storage.centres import load_centres
from storage.models import Person, StaffMember
from storage.repositories import centres

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 25)  # NOW as a local (Europe/Istanbul) calendar day
SECRET = b"test-secret-0123456789abcdef"


@dataclass
class Crew:
    """One actor of each kind: admin, manager, staff of two centres, staff elsewhere, revoked."""

    admin: Actor
    manager: Actor
    konak: Actor  # staff of konak-kadin and bornova-engelli
    elsewhere: Actor  # staff of buca-engelli only
    revoked_id: int


async def join(session, role: str, centre: str | None, user_id: int, now: datetime = NOW) -> StaffMember:
    invite = await invites.create(session, role=role, centre_id=centre, hours=1, actor="cli:test", now=now)
    return await invites.redeem(session, code=invite.code, telegram_user_id=user_id, display_name=f"user{user_id}", language="tr", now=now)


@pytest.fixture
async def crew(db) -> Crew:
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        admin = await join(session, "admin", None, 9001)
        manager = await join(session, "manager", None, 9002)
        konak = await join(session, "staff", "konak-kadin", 9003)
        await join(session, "staff", "bornova-engelli", 9003)
        elsewhere = await join(session, "staff", "buca-engelli", 9004)
        revoked = await join(session, "staff", "konak-kadin", 9005)
        await invites.revoke(session, staff_id=revoked.id, actor="cli:test", now=NOW)
        return Crew(
            await actor_for(session, admin), await actor_for(session, manager), await actor_for(session, konak),
            await actor_for(session, elsewhere), revoked.id,
        )


async def make_person(session, user_id: int, language: str = "tr") -> Person:
    person = Person(
        citizen_key=f"key{user_id}", telegram_user_id=user_id, display_name=f"Kişi {user_id}", language=language,
        created_at=NOW - timedelta(days=1),
    )
    session.add(person)
    await session.flush()
    return person
