"""Upgrading a database with attendance from 0013: every walk-in key at a centre becomes one
walk-in identity, so same-name walk-ins recorded before stay one person and no 4.2.8 figure
changes; the identity is then found by its name like any other. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from reports.aggregate import actual_of, observe_year
from services import attendance
from services.roles import Actor
from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Attendance, Event, Person, Walkin
from storage.repositories import centres

SECRET = b"migration-secret-0123456789abcdef"
HELD_AT = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
POSTGRES_ENV = "KENTBOT_TEST_POSTGRES_URL"  # as in tests/conftest.py: PostgreSQL too when it is set
BACKENDS = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]
STAFF = Actor(staff_id=1, role="manager", centres=frozenset(), name="Müdür", language="tr")


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database with no schema at all, so the test can stop the migrations at 0013."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
        return
    admin_url = os.environ[POSTGRES_ENV].replace("postgresql://", "postgresql+asyncpg://", 1)
    name = f"kentbot_migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _seed_at_0013(sessions) -> dict[str, str]:
    """Two held disability activities at Bornova and one at Buca, attendance as 0013 kept it:
    'Ayşe Yılmaz' typed at both Bornova events (one key), another walk-in, a registered person,
    and a walk-in at Buca."""
    keys = {
        "ayse": attendance.walkin_key(SECRET, "bornova-engelli", "Ayşe Yılmaz"),
        "ali": attendance.walkin_key(SECRET, "bornova-engelli", "Ali Kaya"),
        "buca": attendance.walkin_key(SECRET, "buca-engelli", "Ayşe Yılmaz"),
        "person": attendance.person_key(SECRET, 41000),
    }
    async with sessions.begin() as session:
        await centres.sync(session, load_centres())
        person = Person(citizen_key="c41000", telegram_user_id=41000, display_name="Zeynep", language="tr", created_at=HELD_AT)
        made = [
            Event(centre_id=centre, type="disability_activity", title=title, starts_at=HELD_AT + timedelta(days=n),
                  status="held", held_at=HELD_AT, created_at=HELD_AT, language="tr")
            for n, (centre, title) in enumerate([("bornova-engelli", "Resim"), ("bornova-engelli", "Müzik"), ("buca-engelli", "Spor")])
        ]
        session.add_all([person, *made])
        await session.flush()
        rows = [
            (made[0].id, keys["ayse"], "walkin", None), (made[1].id, keys["ayse"], "walkin", None),
            (made[0].id, keys["ali"], "walkin", None), (made[1].id, keys["person"], "registered", person.id),
            (made[2].id, keys["buca"], "walkin", None),
        ]
        # The columns 0013 had: no walk-in identity yet.
        await session.execute(insert(Attendance.__table__), [
            {"event_id": e, "beneficiary_key": k, "kind": kind, "person_id": p, "recorded_by": 1, "recorded_at": HELD_AT + timedelta(hours=n)}
            for n, (e, k, kind, p) in enumerate(rows)
        ])
    return keys


async def test_upgrade_from_0013_keeps_each_walkin_key_one_identity_and_4_2_8_unchanged(empty_url: str) -> None:
    engine = create_engine(empty_url)
    sessions = session_factory(engine)
    try:
        await upgrade(engine, "0013")
        keys = await _seed_at_0013(sessions)
        async with sessions() as session:
            before = actual_of((await observe_year(session, 2026)).get("4.2.8"))
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        async with sessions() as session:
            after = actual_of((await observe_year(session, 2026)).get("4.2.8"))
            identities = (await session.execute(select(Walkin).order_by(Walkin.id))).scalars().all()
            rows = (await session.execute(select(Attendance).order_by(Attendance.id))).scalars().all()
        assert before == after == 4
        assert sorted((w.centre_id, w.name_key, w.beneficiary_key, w.person_id) for w in identities) == sorted([
            ("bornova-engelli", keys["ayse"], keys["ayse"], None),
            ("bornova-engelli", keys["ali"], keys["ali"], None),
            ("buca-engelli", keys["buca"], keys["buca"], None),
        ])
        by_key = {w.beneficiary_key: w.id for w in identities}
        assert [(row.beneficiary_key, row.walkin_id) for row in rows] == [
            (row.beneficiary_key, by_key.get(row.beneficiary_key) if row.kind == "walkin" else None) for row in rows
        ]
        assert sum(1 for row in rows if row.walkin_id == by_key[keys["ayse"]]) == 2
        # Typed again, the historic Ayşe is found by her name, told apart by her last visit.
        async with sessions.begin() as session:
            event = Event(centre_id="bornova-engelli", type="disability_activity", title="Yeni", starts_at=NOW,
                          status="published", created_at=NOW, language="tr")
            session.add(event)
            await session.flush()
            asked = await attendance.walk_in(session, STAFF, event_id=event.id, name="ayşe yılmaz", secret=SECRET, now=NOW)
        assert [(c.walkin_id, c.attended, c.last_title) for c in asked.choices] == [(by_key[keys["ayse"]], 2, "Müzik")]
    finally:
        await engine.dispose()
