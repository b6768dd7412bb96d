"""The outbox drainer against the emulator's flood control and faults, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import replace
from datetime import timedelta

import pytest
from scale_support import NOW, PNG_1X1, bot_for, emulator, enqueue_texts, services_for, started_citizens
from sqlalchemy import select, text
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.outbox import Drainer, DrainStats, RateLimiter
from bot.outbox.drainer import DRAIN_LEASE, DRAIN_LEASE_NAME
from bot.outbox.outcomes import MAX_ATTEMPTS, classify
from bot.services import Services
from storage.models import OutboxMessage, Person
from storage.repositories import leases, outbox

UNFINISHED = (outbox.PENDING, outbox.CLAIMED, outbox.SENDING)


# --- pure parts -----------------------------------------------------------------------------


def test_limiter_spaces_sends_overall_and_per_chat() -> None:
    limiter = RateLimiter(global_rate=10, per_chat_rate=1)
    assert [round(limiter.reserve(chat, 100.0), 3) for chat in (1, 2, 3)] == [0.0, 0.1, 0.2]
    # The same chat again waits a whole second after its first send, not 0.1 s.
    assert round(limiter.wait(1, 100.0), 3) == 1.0
    assert round(limiter.reserve(1, 100.0), 3) == 1.0
    limiter.pause(5.0, 100.0)
    assert limiter.wait(9, 100.0) == 5.0
    with pytest.raises(ValueError):
        RateLimiter(global_rate=0, per_chat_rate=1)


def test_failures_are_classified() -> None:
    assert classify(RetryAfter(timedelta(seconds=7)), 0).action == "retry"
    flood = classify(RetryAfter(timedelta(seconds=7)), 3)
    assert (flood.delay, flood.count_attempt, flood.pause_everyone) == (7.0, False, True)
    assert classify(Forbidden("bot was blocked by the user"), 0).action == "blocked"
    assert classify(BadRequest("chat not found"), 0).action == "failed"
    assert [classify(NetworkError("Bad Gateway"), n).delay for n in range(3)] == [2.0, 4.0, 8.0]
    assert classify(TimedOut(), 0).action == "retry"
    assert classify(NetworkError("Internal Server Error (500)"), MAX_ATTEMPTS - 1).action == "failed"
    assert classify(KeyError("text"), 0).action == "failed"


# --- against the emulator -------------------------------------------------------------------


async def statuses(services: Services) -> dict[int, str]:
    async with services.sessions() as session:
        return dict((await session.execute(select(OutboxMessage.chat_id, OutboxMessage.status))).all())


async def drain_until_done(drainer: Drainer, timeout: float = 120.0) -> DrainStats:
    """Drain, and again when rows given back for later become due, until nothing is left to send."""
    total = DrainStats()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        total.add(await drainer.drain())
        async with drainer.services.sessions() as session:
            counts = await outbox.count_by_status(session)
        if not any(counts.get(status) for status in UNFINISHED):
            return total
        assert loop.time() < deadline, f"outbox not drained: {counts}"
        await asyncio.sleep(0.1)


async def test_drains_within_telegram_limits_without_a_single_429(db, tmp_path) -> None:
    async with emulator(global_rate=20, per_chat_rate=1) as client:
        chats = list(range(7001, 7041))
        await started_citizens(client, chats)
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, chats)
        await enqueue_texts(services, [7001], prefix="report", per_chat=3)
        async with bot_for(client) as bot:
            stats = await drain_until_done(Drainer(services, bot, RateLimiter(20, 1)))
        metrics = await client.metrics()
        await services.close()
    assert stats.sent == 43 and stats.rate_limited == 0
    # The emulator's flood control is the judge (3 at once per chat, then 1 a second): four sends
    # to 7001 unspaced would meet a 429. Gaps measured at arrival would depend on the machine's load.
    assert metrics["too_many_requests"] == 0
    assert {int(chat): n for chat, n in metrics["messages_per_chat"].items()} == {**{c: 1 for c in chats}, 7001: 4}
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert {row.status for row in rows} == {"sent"}
    assert all(row.telegram_message_id and row.sent_at for row in rows)


async def test_a_blocked_person_is_marked_unreachable_and_not_retried(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        await started_citizens(client, [7101, 7102])
        await client.block(7101)
        services = services_for(db, client, tmp_path)
        async with services.sessions.begin() as session:
            session.add(Person(citizen_key="k7101", telegram_user_id=7101, display_name="Ayşe", language="tr", created_at=NOW))
        await enqueue_texts(services, [7101, 7102])
        async with bot_for(client) as bot:
            stats = await drain_until_done(Drainer(services, bot, RateLimiter(30, 1)))
        await services.close()
    assert (stats.sent, stats.blocked) == (1, 1)
    assert await statuses(services) == {7101: "blocked", 7102: "sent"}
    async with services.sessions() as session:
        person = (await session.execute(select(Person))).scalar_one()
    assert person.unreachable_at is not None


async def test_server_errors_and_time_outs_are_retried_without_loss(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0, hang_seconds=3.0) as client:
        chats = list(range(7201, 7211))
        await started_citizens(client, chats)
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, chats)
        async with bot_for(client, read_timeout=0.5) as bot:
            drainer = Drainer(services, bot, RateLimiter(30, 1), backoff_base=0.05)
            await client.set_faults(mode="error", status=500, next_n=4, methods=["sendmessage"])
            first = await drain_until_done(drainer)
            await enqueue_texts(services, chats, prefix="second")
            await client.set_faults(mode="hang", next_n=2, methods=["sendmessage"])
            second = await drain_until_done(drainer)
        metrics = await client.metrics()
        await services.close()
    assert first.retried == 4 and second.retried == 2
    assert metrics["faults_injected"] == 6
    # Every row arrived exactly once: the failed attempts never reached the chat.
    assert {int(chat): n for chat, n in metrics["messages_per_chat"].items()} == {chat: 2 for chat in chats}
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert {row.status for row in rows} == {"sent"} and sum(row.attempts for row in rows) == 6


async def test_documents_and_photos_are_sent_from_their_payload(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        await started_citizens(client, [7301])
        services = services_for(db, client, tmp_path)
        async with services.sessions.begin() as session:
            await outbox.enqueue(
                session, dedupe_key="doc", chat_id=7301, kind="report", not_before=NOW, now=NOW,
                payload={"document": {"file_name": "rapor.xlsx", "content_b64": base64.b64encode(b"xlsx bytes").decode()}, "caption": "Haftalık rapor"},
            )
            await outbox.enqueue(
                session, dedupe_key="png", chat_id=7301, kind="report", not_before=NOW + timedelta(seconds=0), now=NOW,
                payload={"photo": {"content_b64": base64.b64encode(PNG_1X1).decode()}, "caption": "Grafik"},
            )
            await outbox.enqueue(
                session, dedupe_key="broken", chat_id=7301, kind="report", not_before=NOW, now=NOW,
                payload={"document": {"content_b64": "not base64!"}},
            )
        async with bot_for(client) as bot:
            stats = await drain_until_done(Drainer(services, bot, RateLimiter(30, 5)))
        chat = await client.chat(7301)
        await services.close()
    kinds = {m["kind"]: m for m in chat["messages"] if m["from"] == "bot"}
    assert kinds["document"]["caption"] == "Haftalık rapor" and kinds["photo"]["caption"] == "Grafik"
    assert (stats.sent, stats.failed) == (2, 1)
    async with services.sessions() as session:
        broken = (await session.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key == "broken"))).scalar_one()
    assert broken.status == "failed" and "base64" in broken.last_error


async def test_a_lost_claim_is_never_sent_and_a_dead_senders_row_becomes_uncertain(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, [7401, 7402])
        lease = timedelta(seconds=60)
        async with services.sessions.begin() as session:
            mine = await outbox.claim_due(session, worker="a", now=NOW, limit=2, lease=lease)
        assert [row.chat_id for row in mine] == [7401, 7402]
        async with services.sessions.begin() as session:
            assert await outbox.start_sending(session, mine[1].id, worker="a", now=NOW, lease=lease)
        later = NOW + timedelta(minutes=5)
        async with services.sessions.begin() as session:
            assert await outbox.expire_leases(session, later) == (1, 1)
            taken = await outbox.claim_due(session, worker="b", now=later, limit=5, lease=lease)
        # b took over the row a never handed to Telegram; the one a was sending stays uncertain.
        assert [row.chat_id for row in taken] == [7401]
        async with services.sessions.begin() as session:
            assert not await outbox.start_sending(session, mine[0].id, worker="a", now=later, lease=lease)
            assert await outbox.start_sending(session, taken[0].id, worker="b", now=later, lease=lease)
            assert [row.chat_id for row in await outbox.list_status(session, outbox.UNCERTAIN)] == [7402]
            assert await outbox.release_uncertain(session, [mine[1].id, 999], later) == [mine[1].id]
        await services.close()
    assert await statuses(services) == {7401: "sending", 7402: "pending"}


async def test_of_two_draining_workers_one_sends_and_each_row_goes_once(db, tmp_path) -> None:
    """Both workers drain by default; the drain lease lets one send, so the rate cap is the
    whole bot's, and rows are claimed in the database besides."""
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        chats = list(range(7501, 7561))
        await started_citizens(client, chats)
        first = services_for(db, client, tmp_path)
        second = services_for(db, client, tmp_path)
        await enqueue_texts(first, chats)
        async with bot_for(client) as bot_a, bot_for(client) as bot_b:
            a = Drainer(first, bot_a, RateLimiter(200, 1))
            b = Drainer(second, bot_b, RateLimiter(200, 1))
            stats = await asyncio.gather(drain_until_done(a), drain_until_done(b))
        metrics = await client.metrics()
        await first.close()
        await second.close()
    assert sorted(s.sent for s in stats) == [0, 60]
    assert sorted(int(c) for c, n in metrics["messages_per_chat"].items() if n == 1) == chats


async def test_a_worker_that_stops_renewing_the_drain_lease_is_taken_over(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        chats = list(range(7571, 7581))
        await started_citizens(client, chats)
        clock = [NOW]
        first = replace(services_for(db, client, tmp_path), clock=lambda: clock[0])
        second = replace(services_for(db, client, tmp_path), clock=lambda: clock[0])
        async with bot_for(client) as bot_a, bot_for(client) as bot_b:
            gone = Drainer(first, bot_a, RateLimiter(200, 1))
            assert (await gone.drain()).sent == 0  # nothing queued yet, but it leads from now on
            await enqueue_texts(first, chats)
            successor = Drainer(second, bot_b, RateLimiter(200, 1))
            clock[0] = NOW + DRAIN_LEASE - timedelta(seconds=1)
            assert (await successor.drain()).sent == 0  # the first worker's lease still runs
            async with second.sessions() as session:
                assert await leases.holder_of(session, DRAIN_LEASE_NAME, clock[0]) == gone.worker
            clock[0] = NOW + DRAIN_LEASE + timedelta(seconds=1)
            assert (await successor.drain()).sent == 10
            assert (await gone.drain()).sent == 0  # back from its pause: the lease is no longer its
        await first.close()
        await second.close()
    async with first.sessions() as session:
        assert await leases.holder_of(session, DRAIN_LEASE_NAME, clock[0]) == successor.worker


async def test_a_worker_shutting_down_hands_the_drain_lease_over_at_once(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        services = services_for(db, client, tmp_path)
        async with bot_for(client) as bot:
            staying = Drainer(services, bot, RateLimiter(200, 1))
            await staying.drain()
            async with services.sessions() as session:
                assert await leases.holder_of(session, DRAIN_LEASE_NAME, services.clock()) == staying.worker
            await staying.drain(keep_going=lambda: False)  # its application is stopping
            async with services.sessions() as session:
                assert await leases.holder_of(session, DRAIN_LEASE_NAME, services.clock()) is None
        await services.close()


async def test_the_drainer_reconnects_when_postgresql_drops_its_connections(postgres_db, tmp_path) -> None:
    db = postgres_db
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        chats = list(range(7601, 7701))
        await started_citizens(client, chats)
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, chats)
        terminated = 0

        async def kill_connections() -> None:
            nonlocal terminated
            for _ in range(4):
                # The attack's schedule, not a wait: connections are cut at intervals while the drain runs.
                await asyncio.sleep(0.4)
                async with db.engine.connect() as connection:
                    result = await connection.execute(
                        text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    )
                    terminated += result.scalar_one()

        async with bot_for(client) as bot:
            drainer = Drainer(services, bot, RateLimiter(40, 1))
            stats, _ = await asyncio.gather(drain_until_done(drainer, timeout=180), kill_connections())
        metrics = await client.metrics()
        await services.close()
    assert terminated > 0
    assert stats.sent == 100
    assert {int(chat): n for chat, n in metrics["messages_per_chat"].items()} == {chat: 1 for chat in chats}
    assert set((await statuses(services)).values()) == {"sent"}


async def test_people_decide_about_uncertain_messages_and_it_is_audited(db, tmp_path, capsys) -> None:
    from bot.commands.outbox import decide, status
    from storage.models import AuditEntry

    async with emulator(global_rate=0, per_chat_rate=0) as client:
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, [7801, 7802])
        async with services.sessions.begin() as session:
            rows = await outbox.claim_due(session, worker="gone", now=NOW, limit=2, lease=timedelta(seconds=1))
            for row in rows:
                await outbox.start_sending(session, row.id, worker="gone", now=NOW, lease=timedelta(seconds=1))
            await outbox.expire_leases(session, NOW + timedelta(minutes=1))
        settings = services.settings
        assert await decide(settings, [rows[0].id], resend=False) == 0
        assert await decide(settings, [rows[0].id, rows[1].id], resend=True) == 1  # the first is no longer uncertain
        assert "not uncertain (left unchanged): " + str(rows[0].id) in capsys.readouterr().err
        assert await status(settings) == 0
        shown = capsys.readouterr().out
        async with services.sessions() as session:
            actions = (await session.execute(select(AuditEntry.action, AuditEntry.object_id).order_by(AuditEntry.id))).all()
        await services.close()
    assert "sent       1" in shown and "pending    1" in shown
    assert "drained by no worker at the moment" in shown
    assert actions == [("outbox.settle", str(rows[0].id)), ("outbox.release", str(rows[1].id))]
    assert await statuses(services) == {7801: "sent", 7802: "pending"}
