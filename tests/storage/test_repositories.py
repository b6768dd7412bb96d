"""One contract for the repositories, run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from bot.connection_guard import connections_held
from storage.migrate import is_up_to_date
from storage.models import Answer, AuditEntry, Base, Centre, Conversation, PlanValue, Response
from storage.person_lock import PersonLocks
from storage.pseudonyms import citizen_key
from storage.repositories import audit, centres, citizens, plan, surveys, updates
from storage.repositories import reports as report_store

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
SECRET = b"0123456789abcdef0123456789abcdef"


class _Centre:
    def __init__(self, id: str, type: str = "disability_centre", district: str = "Bornova") -> None:
        self.id, self.type, self.name_tr, self.name_en, self.district = id, type, f"{id} tr", f"{id} en", district


async def _definition(session, version: int = 1, content_hash: str = "h1") -> None:
    await surveys.register_definition(
        session,
        survey_id="disability_centre",
        version=version,
        content_hash=content_hash,
        indicator="4.2.9",
        anonymity="pseudonymous",
        definition={"id": "disability_centre", "version": version},
        now=NOW,
    )


def _response(key: str, *, satisfied: bool | None = True, on: date = date(2026, 11, 2), centre: str | None = "c1"):
    return surveys.NewResponse(
        survey_id="disability_centre",
        survey_version=1,
        period="2026-Q4",
        respondent_key=key,
        language="tr",
        completed_on=on,
        completed_at=None,
        answers={"overall": 5 if satisfied else 2, "services": ["transport", "sports"], "comment": "iyi"},
        centre_id=centre,
        respondent_role="carer",
        satisfied=satisfied,
        score=5 if satisfied else 2,
    )


async def test_migrations_reach_head_and_match_the_models(db) -> None:
    assert await is_up_to_date(db.engine)

    def compare(connection):
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with db.engine.connect() as connection:
        differences = await connection.run_sync(compare)
    assert differences == []


async def test_update_ids_are_claimed_once(db) -> None:
    async with db.sessions.begin() as session:
        assert await updates.claim(session, 1001, NOW)
        assert not await updates.claim(session, 1001, NOW)
        assert await updates.claim(session, 1002, NOW)
    async with db.sessions.begin() as session:
        assert not await updates.claim(session, 1002, NOW)
        assert await updates.forget_before(session, NOW + timedelta(seconds=1)) == 2


async def test_an_uncommitted_claim_leaves_the_update_unclaimed(db) -> None:
    async with db.sessions() as session, session.begin():
        assert await updates.claim(session, 77, NOW)
        await session.rollback()
    async with db.sessions.begin() as session:
        assert await updates.claim(session, 77, NOW)


async def test_conversation_round_trip_and_erase(db) -> None:
    key = citizen_key(SECRET, 4242)
    async with db.sessions.begin() as session:
        assert await citizens.load(session, key) == (None, None)
        stored = citizens.Stored({"screen": "survey", "answers": {"q": [1, "ü"]}}, [5, 6], [900])
        assert await citizens.save(session, key, citizens.Profile("ar"), stored, NOW, was=(None, None)) == 1
    async with db.sessions.begin() as session:
        loaded = await citizens.load(session, key)
        assert loaded == (citizens.Profile("ar"), replace(stored, version=1))
        consented = citizens.Profile("ar", {"survey": {"version": "2026-12", "at": NOW.isoformat()}})
        idle = citizens.Stored({"screen": "idle"}, [], [901])
        assert await citizens.save(session, key, consented, idle, NOW + timedelta(minutes=1), was=loaded) == 2
    async with db.sessions.begin() as session:
        profile, conversation = await citizens.load(session, key)
        assert profile == consented and profile.consents["survey"]["at"] == NOW.isoformat()
        assert conversation == replace(idle, version=2)
        row = await session.get(Conversation, key)
        assert row.updated_at == NOW + timedelta(minutes=1)
        erased = await citizens.erase(session, key, [])
        assert erased.profile and erased.conversation
    async with db.sessions.begin() as session:
        assert await citizens.load(session, key) == (None, None)


async def test_a_conversation_written_meanwhile_is_never_overwritten(db) -> None:
    """What a turn saves, and what it records after talking to Telegram, is written only over
    the version it loaded or saved: a writer in between (a worker whose lock was lost) wins."""
    key = citizen_key(SECRET, 4243)
    async with db.sessions.begin() as session:
        await citizens.save(session, key, citizens.Profile("tr"), citizens.Stored({"screen": "a"}, [], [1]), NOW, was=(None, None))
    async with db.sessions() as session:
        first = await citizens.load(session, key)
    async with db.sessions.begin() as session:
        assert await citizens.save(session, key, citizens.Profile("tr"), citizens.Stored({"screen": "b"}, [], [1, 2]), NOW, was=first) == 2
    with pytest.raises(citizens.Conflict):
        async with db.sessions.begin() as session:
            await citizens.save(session, key, citizens.Profile("tr"), citizens.Stored({"screen": "c"}, [], [1, 3]), NOW, was=first)
    with pytest.raises(citizens.Conflict):  # a first contact saved twice
        async with db.sessions.begin() as session:
            await citizens.save(session, key, citizens.Profile("tr"), citizens.Stored({"screen": "d"}, [], [4]), NOW, was=(None, None))
    locks = PersonLocks.for_engine(db.engine)
    try:
        async with locks.hold(key) as held:
            assert not await citizens.record_shown(db.engine, held, key, 1, {"screen": "a", "active": 7}, [7])
        async with locks.hold(key) as held:
            assert await citizens.record_shown(db.engine, held, key, 2, {"screen": "b", "active": 8}, [8])
    finally:
        await locks.close()
    async with db.sessions() as session:
        assert (await citizens.load(session, key))[1] == citizens.Stored({"screen": "b", "active": 8}, [8], [1, 2], 3)


async def test_a_profile_without_a_conversation_is_loaded_alone(db) -> None:
    """After /cikis the profile stays and the conversation is gone: a new one is inserted."""
    key = citizen_key(SECRET, 4243)
    async with db.sessions.begin() as session:
        await citizens.save(session, key, citizens.Profile("en"), citizens.Stored({}, [], [1]), NOW, was=(None, None))
        await citizens.delete_conversation(session, key)
    async with db.sessions.begin() as session:
        loaded = await citizens.load(session, key)
        assert loaded == (citizens.Profile("en"), None)
        await citizens.save(session, key, citizens.Profile("en"), citizens.Stored({"screen": "idle"}, [], [2]), NOW, was=loaded)
    async with db.sessions.begin() as session:
        assert (await citizens.load(session, key))[1] == citizens.Stored({"screen": "idle"}, [], [2], 1)


async def test_definition_versions_are_immutable(db) -> None:
    async with db.sessions.begin() as session:
        await _definition(session)
        await _definition(session)  # the same content again is fine
        await _definition(session, version=2, content_hash="h2")
    async with db.sessions() as session:
        with pytest.raises(surveys.DefinitionChanged):
            await _definition(session, version=1, content_hash="other")
        stored = await surveys.get_definition(session, "disability_centre", 2)
        assert stored.content_hash == "h2" and stored.indicator == "4.2.9"


async def test_one_response_per_respondent_and_period(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, [_Centre("c1")])
        await _definition(session)
        response_id = await surveys.save_response(session, _response("k1"))
        with pytest.raises(surveys.AlreadyAnswered):
            await surveys.save_response(session, _response("k1", satisfied=False))
        # The failed attempt left the transaction usable and the first response intact.
        assert await surveys.has_response(session, "disability_centre", "2026-Q4", "k1")
        assert not await surveys.has_response(session, "disability_centre", "2026-Q4", "k2")
    async with db.sessions.begin() as session:
        answers = (await session.execute(select(Answer).where(Answer.response_id == response_id))).scalars().all()
        by_question = {answer.question_id: answer for answer in answers}
        assert by_question["services"].value == ["transport", "sports"]
        assert by_question["overall"].value_number == 5.0
        assert by_question["comment"].value_number is None
        assert (await session.execute(select(func.count(Response.id)))).scalar_one() == 1


async def test_satisfaction_counts_top_two_box_on_every_day_of_the_period_and_no_other(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, [_Centre("c1")])
        await _definition(session)
        for index, satisfied in enumerate([True, True, False, True, None]):
            await surveys.save_response(session, _response(f"k{index}", satisfied=satisfied))
        await surveys.save_response(session, _response("first", on=date(2026, 11, 1)))
        await surveys.save_response(session, _response("last", satisfied=False, on=date(2026, 11, 30)))
        await surveys.save_response(session, _response("before", on=date(2026, 10, 31)))
        await surveys.save_response(session, _response("after", on=date(2026, 12, 1)))
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    async with db.sessions() as session:
        days = await report_store.survey_days(session, ["disability_centre"], first, last)
        by_centre = await report_store.survey_breakdown(session, "disability_centre", first, last, "centre")
        rows = await report_store.responses(session, "disability_centre", first, last)
    assert sorted(days) == [
        ("disability_centre", date(2026, 11, 1), 1, 1, 0),
        ("disability_centre", date(2026, 11, 2), 3, 4, 1),  # the response without a rating is a skip
        ("disability_centre", date(2026, 11, 30), 0, 1, 0),
    ]
    assert by_centre == [("c1", 4, 6)]
    assert (sum(row.satisfied for row in rows), len(rows)) == (4, 6)


async def test_centres_follow_the_file_and_are_never_deleted(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, [_Centre("c1"), _Centre("c2", type="masal_evi", district="Konak")])
    async with db.sessions.begin() as session:
        await centres.sync(session, [_Centre("c2", type="masal_evi", district="Buca")])
    async with db.sessions() as session:
        assert [c.id for c in await centres.active(session)] == ["c2"]
        assert (await session.get(Centre, "c1")).active is False
        assert (await session.get(Centre, "c2")).district == "Buca"
        assert [c.id for c in await centres.active(session, "disability_centre")] == []


async def test_plan_values_keep_history_and_are_audited(db) -> None:
    async with db.sessions.begin() as session:
        await plan.set_value(session, code="4.2.2", year=2026, planned=120, baseline=None, actor="cli:ayse", now=NOW)
        await plan.set_value(
            session, code="4.2.2", year=2026, planned=150, baseline=10, actor="cli:ayse", now=NOW + timedelta(hours=1)
        )
    async with db.sessions() as session:
        figures = await plan.current(session, 2026)
        assert figures["4.2.2"] == plan.PlanFigures(planned=150, baseline=10)
        assert (await session.execute(select(func.count(PlanValue.id)))).scalar_one() == 2
        entries = await audit.since(session, NOW - timedelta(days=1))
        assert [(e.action, e.before, e.after) for e in entries] == [
            ("plan.set", None, {"planned": 120, "baseline": None}),
            ("plan.set", {"planned": 120.0, "baseline": None}, {"planned": 150, "baseline": 10}),
        ]
        assert await audit.since(session, NOW + timedelta(days=1)) == []


async def test_audit_log_keeps_order_and_payloads(db) -> None:
    async with db.sessions.begin() as session:
        for minute in (3, 1, 2):
            await audit.append(
                session,
                at=NOW + timedelta(minutes=minute),
                actor="staff:7",
                action="event.publish",
                object_type="event",
                object_id=str(minute),
                after={"status": "published", "title": "Çocuk atölyesi"},
            )
    async with db.sessions() as session:
        entries = await audit.since(session, NOW)
        assert [e.object_id for e in entries] == ["1", "2", "3"]
        assert entries[0].after["title"] == "Çocuk atölyesi"
        assert entries[0].at.tzinfo is not None
        assert (await session.execute(select(func.count(AuditEntry.id)))).scalar_one() == 3


async def _bump_in_two_transactions(db, locks: PersonLocks, key: str) -> None:
    """A turn's shape: read in one transaction, a pause with none open (Telegram), write in another."""
    async with locks.hold(key):
        async with db.sessions() as session:
            loaded = await citizens.load(session, key)
        assert connections_held() == 0
        # Stands for Telegram's answer: a pause with no transaction open is the shape under test, not a wait.
        await asyncio.sleep(0.01)
        async with db.sessions.begin() as session:
            count = loaded[1].state["count"]
            await citizens.save(session, key, citizens.Profile(), citizens.Stored({"count": count + 1}, [], []), NOW, was=loaded)


async def _counter(db, key: str) -> None:
    async with db.sessions.begin() as session:
        await citizens.save(session, key, citizens.Profile(), citizens.Stored({"count": 0}, [], []), NOW, was=(None, None))


async def test_person_lock_serialises_a_turn_spread_over_two_transactions(db) -> None:
    """Tasks of one process bumping one counter under the person lock never lose an increment,
    and the lock pins no database connection between the transactions."""
    key = citizen_key(SECRET, 99)
    await _counter(db, key)
    locks = PersonLocks.for_engine(db.engine)
    try:
        await asyncio.gather(*(_bump_in_two_transactions(db, locks, key) for _ in range(10)))
    finally:
        await locks.close()
    async with db.sessions() as session:
        assert (await citizens.load(session, key))[1].state == {"count": 10}


@asynccontextmanager
async def _no_local_lock(key: str) -> AsyncIterator[None]:
    """As if each PersonLocks were in a process of its own."""
    yield


async def test_person_lock_serialises_workers_on_postgresql(postgres_db, monkeypatch) -> None:
    """Each worker has its own lock connection; with the in-process lock out of the way, the
    advisory locks alone keep the workers' turns of one person one after the other (a worker's
    own tasks are kept apart by the in-process lock, which is why each worker here runs one)."""

    monkeypatch.setattr("storage.person_lock.local_lock", _no_local_lock)
    key = citizen_key(SECRET, 98)
    await _counter(postgres_db, key)
    workers = [PersonLocks.for_engine(postgres_db.engine) for _ in range(4)]
    try:
        async def worker(locks: PersonLocks) -> None:
            for _ in range(3):
                await _bump_in_two_transactions(postgres_db, locks, key)

        await asyncio.gather(*(worker(locks) for locks in workers))
    finally:
        for worker in workers:
            await worker.close()
    async with postgres_db.sessions() as session:
        assert (await citizens.load(session, key))[1].state == {"count": 12}


LOCK_CONNECTIONS = (
    "FROM pg_stat_activity WHERE application_name = 'kentbot person locks' AND datname = current_database()"
)


async def test_a_dead_workers_person_locks_end_with_its_connection(postgres_db, monkeypatch) -> None:
    monkeypatch.setattr("storage.person_lock.local_lock", _no_local_lock)
    key = citizen_key(SECRET, 97)
    dead, alive = PersonLocks.for_engine(postgres_db.engine), PersonLocks.for_engine(postgres_db.engine)
    acquired = asyncio.Event()

    async def take_over() -> None:
        async with alive.hold(key):
            acquired.set()

    try:
        async with dead.hold(key):
            waiting = asyncio.create_task(take_over())
            async with postgres_db.sessions() as session:
                # The other worker is waiting for the person: it has asked PostgreSQL at least once.
                for _ in range(1000):
                    connections = (await session.execute(text(f"SELECT count(*) {LOCK_CONNECTIONS}"))).scalar_one()
                    if connections == 2:
                        break
                    await asyncio.sleep(0.01)
                assert not acquired.is_set()
                # The first worker dies: PostgreSQL ends its lock connection.
                await session.execute(text(
                    f"SELECT pg_terminate_backend(pid) {LOCK_CONNECTIONS} AND pid IN "
                    "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
                ))
            await asyncio.wait_for(waiting, 30)
    finally:
        await dead.close()
        await alive.close()
    assert acquired.is_set()


async def test_workers_preparing_one_database_at_once_do_not_collide(db, tmp_path) -> None:
    """Start-up work (centres, survey versions) run by several workers together succeeds once."""
    from bot.app import prepare_database
    from bot.config import load_settings
    from bot.services import build_services

    settings = load_settings(DATABASE_URL=db.url, KENTBOT_SECRET="s" * 20, KENTBOT_DATA_DIR=str(tmp_path))
    workers = [build_services(settings) for _ in range(4)]
    try:
        await asyncio.gather(*(prepare_database(worker) for worker in workers))
    finally:
        for worker in workers:
            await worker.close()
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Centre))).scalar_one() == 14


async def test_what_a_turn_showed_is_recorded_with_the_release_of_its_lock(postgres_db, monkeypatch) -> None:
    """PostgreSQL: one statement on the lock connection records the messages shown, only over
    the version the turn saved, and lets the person go."""
    monkeypatch.setattr("storage.person_lock.local_lock", _no_local_lock)
    key = citizen_key(SECRET, 96)
    async with postgres_db.sessions.begin() as session:
        await citizens.save(session, key, citizens.Profile("tr"), citizens.Stored({"screen": "a"}, [], [1]), NOW, was=(None, None))
    worker, other = PersonLocks.for_engine(postgres_db.engine), PersonLocks.for_engine(postgres_db.engine)
    try:
        async with worker.hold(key) as held:
            assert await citizens.record_shown(postgres_db.engine, held, key, 1, {"screen": "a", "active": 5}, [5])
            async with other.hold(key):  # released: another worker takes the person at once
                pass
        async with worker.hold(key) as held:
            assert not await citizens.record_shown(postgres_db.engine, held, key, 1, {"screen": "stale"}, [6])
        async with other.hold(key):
            pass
    finally:
        await worker.close()
        await other.close()
    async with postgres_db.sessions() as session:
        assert (await citizens.load(session, key))[1] == citizens.Stored({"screen": "a", "active": 5}, [5], [1], 2)
