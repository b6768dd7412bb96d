"""The outbox drainer: claims due rows, sends them within the rate limits, records the outcome.

One worker at a time drains: it holds the `outbox-drain` lease and renews it with every claim,
so the rate limits are the whole bot's however many workers run. A worker that stops renewing
(killed, stuck) loses the lease after DRAIN_LEASE and another one takes over.

Guarantee (see docs/operations.md): a row is handed to Telegram at most once by the drainer.
A worker killed after handing a row over leaves it `sending`; when its lease runs out the row
becomes `uncertain`, is never resent automatically, and `kentbot outbox uncertain` lists it.
The one exception is a time-out with no answer from Telegram while the worker lives on: the row
is retried, since Telegram almost always failed such a request, so at most that row may arrive twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Bot

from bot.error_log import log_failure
from bot.outbox.limiter import RateLimiter
from bot.outbox.outcomes import BACKOFF_BASE_SECONDS, classify
from bot.outbox.payloads import send_payload
from bot.services import Services
from storage.repositories import leases, outbox

log = logging.getLogger(__name__)
T = TypeVar("T")

# Rows are claimed for at most this far ahead of their send slot; the rest wait in the table.
HORIZON_SECONDS = 2.0
CLAIM_LEASE = timedelta(seconds=60)
# Longer than any single Bot API call can take (PTB's time-outs are 5 s each).
SENDING_LEASE = timedelta(seconds=120)
DRAIN_LEASE_NAME = "outbox-drain"
# Renewed at every claim and every tick (about once a second) while the holder lives.
DRAIN_LEASE = timedelta(seconds=15)
DATABASE_RETRIES = 6


@dataclass
class DrainStats:
    sent: int = 0
    retried: int = 0
    blocked: int = 0
    failed: int = 0
    lost_claims: int = 0
    rate_limited: int = 0
    released: int = 0
    uncertain: int = 0
    expired: int = 0
    database_errors: int = 0

    def add(self, other: DrainStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Drainer:
    """One per process; only the one holding the drain lease sends."""

    services: Services
    bot: Bot
    limiter: RateLimiter
    worker: str = field(default_factory=lambda: f"w-{uuid.uuid4().hex[:12]}")
    monotonic: Callable[[], float] = time.monotonic
    backoff_base: float = BACKOFF_BASE_SECONDS
    running: bool = False

    @classmethod
    def for_services(cls, services: Services, bot: Bot) -> Drainer:
        settings = services.settings
        return cls(services, bot, RateLimiter(settings.rate_global, settings.rate_per_chat))

    async def drain(self, *, keep_going: Callable[[], bool] = lambda: True) -> DrainStats:
        """Send until nothing is due (or `keep_going` says stop); safe to call while running."""
        stats = DrainStats()
        if self.running:
            return stats
        self.running = True
        tasks: set[asyncio.Task[None]] = set()
        try:
            if not await self._with_retries(self._lead, stats):
                return stats  # another worker drains
            await self._expire(stats)
            while keep_going():
                now = self.monotonic()
                if self.limiter.backlog(now) > HORIZON_SECONDS / 2:
                    await asyncio.sleep(self.limiter.backlog(now) - HORIZON_SECONDS / 2)
                    continue
                try:
                    claimed = await self._claim(HORIZON_SECONDS - self.limiter.backlog(now))
                except (DBAPIError, OperationalError) as error:
                    stats.database_errors += 1
                    log.warning("outbox claim failed, retrying: %s", error.__class__.__name__)
                    await asyncio.sleep(0.5)
                    continue
                if not claimed:
                    break
                for row in claimed:
                    task = asyncio.create_task(self._deliver_in_turn(row, stats))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                # Let the batch's first sends start before the next claim looks at the backlog.
                await asyncio.sleep(0)
            if tasks:
                await asyncio.gather(*tasks)
            if not keep_going():
                await self._with_retries(self._step_down, stats)
        finally:
            self.running = False
        return stats

    async def _lead(self) -> bool:
        async with self.services.sessions.begin() as session:
            return await leases.hold(session, DRAIN_LEASE_NAME, self.worker, self.services.clock(), DRAIN_LEASE)

    async def _step_down(self) -> None:
        """Shutting down: let another worker drain at once rather than after the lease runs out."""
        async with self.services.sessions.begin() as session:
            await leases.give_up(session, DRAIN_LEASE_NAME, self.worker)

    async def _claim(self, room_seconds: float) -> list[outbox.Claimed]:
        """As many rows as fit in the free part of the horizon, so claimed rows rarely wait."""
        limit = max(1, int(self.limiter.global_rate * room_seconds))
        now = self.services.clock()
        async with self.services.sessions.begin() as session:
            if not await leases.hold(session, DRAIN_LEASE_NAME, self.worker, now, DRAIN_LEASE):
                log.warning("outbox: another worker took over draining; this one stops claiming")
                return []
            return await outbox.claim_due(session, worker=self.worker, now=now, limit=limit, lease=CLAIM_LEASE)

    async def _expire(self, stats: DrainStats) -> None:
        async def expire() -> tuple[int, int, int]:
            async with self.services.sessions.begin() as session:
                now = self.services.clock()
                released, uncertain = await outbox.expire_leases(session, now)
                return released, uncertain, await outbox.expire_overdue(session, now)

        released, uncertain, expired = await self._with_retries(expire, stats)
        stats.released += released
        stats.uncertain += uncertain
        stats.expired += expired
        if uncertain:
            log.warning("%d outbox rows were being sent by a worker that stopped: see `kentbot outbox uncertain`", uncertain)

    async def _deliver_in_turn(self, row: outbox.Claimed, stats: DrainStats) -> None:
        try:
            await self._deliver(row, stats)
        except Exception as error:  # noqa: BLE001 - one row's bad luck must not stop the others
            log_failure(log, "outbox row %s could not be processed; its lease will return it", row.id, error=error)

    async def _deliver(self, row: outbox.Claimed, stats: DrainStats) -> None:
        now = self.monotonic()
        wait = self.limiter.wait(row.chat_id, now)
        if wait > HORIZON_SECONDS:
            # This chat has had its share for now: give the row back instead of holding it.
            await self._reschedule(row, wait, None, count_attempt=False, stats=stats)
            stats.released += 1
            return
        await asyncio.sleep(self.limiter.reserve(row.chat_id, now))
        services = self.services

        async def start() -> bool:
            async with services.sessions.begin() as session:
                return await outbox.start_sending(
                    session, row.id, worker=self.worker, now=services.clock(), lease=SENDING_LEASE
                )

        if not await self._with_retries(start, stats):
            stats.lost_claims += 1
            return
        try:
            message = await send_payload(self.bot, row.chat_id, row.payload)
        except Exception as error:  # noqa: BLE001 - every failure is classified below
            await self._failed(row, error, stats)
            return

        async def sent() -> bool:
            async with services.sessions.begin() as session:
                return await outbox.mark_sent(
                    session, row.id, worker=self.worker, now=services.clock(), message_id=message.message_id
                )

        await self._with_retries(sent, stats)
        stats.sent += 1

    async def _failed(self, row: outbox.Claimed, error: Exception, stats: DrainStats) -> None:
        outcome = classify(error, row.attempts, backoff_base=self.backoff_base)
        self.services.metrics.telegram_error(error)
        if outcome.action == "retry":
            if outcome.pause_everyone:
                stats.rate_limited += 1
                self.limiter.pause(outcome.delay, self.monotonic())
            stats.retried += 1
            await self._reschedule(row, outcome.delay, outcome.reason, count_attempt=outcome.count_attempt, stats=stats)
            return
        log.warning("outbox row %s %s: %s", row.id, outcome.action, outcome.reason)
        services = self.services

        async def final() -> None:
            async with services.sessions.begin() as session:
                await outbox.mark_final(session, row.id, worker=self.worker, status=outcome.action, error=outcome.reason)
                if outcome.action == outbox.BLOCKED:
                    await outbox.mark_unreachable(session, row.chat_id, services.clock())

        await self._with_retries(final, stats)
        if outcome.action == outbox.BLOCKED:
            stats.blocked += 1
        else:
            stats.failed += 1

    async def _reschedule(
        self, row: outbox.Claimed, delay: float, error: str | None, *, count_attempt: bool, stats: DrainStats
    ) -> None:
        services = self.services

        async def again() -> bool:
            async with services.sessions.begin() as session:
                return await outbox.reschedule(
                    session,
                    row.id,
                    worker=self.worker,
                    not_before=services.clock() + timedelta(seconds=delay),
                    error=error,
                    count_attempt=count_attempt,
                )

        await self._with_retries(again, stats)

    async def _with_retries(self, step: Callable[[], Awaitable[T]], stats: DrainStats) -> T:
        """Record a step even across a dropped database connection: after a send, losing the
        'sent' mark would turn a delivered message into an uncertain one."""
        for attempt in range(DATABASE_RETRIES):
            try:
                return await step()
            except (DBAPIError, OperationalError) as error:
                stats.database_errors += 1
                if attempt + 1 == DATABASE_RETRIES:
                    raise
                log.warning("outbox database step failed (%s), retrying", error.__class__.__name__)
                await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")


async def drain_job(context: Any) -> None:
    """JobQueue tick: start draining in the background unless this process already is."""
    services: Services = context.bot_data["services"]
    if not services.settings.outbox_drain:
        return
    drainer: Drainer | None = context.bot_data.get("outbox_drainer")
    if drainer is None:
        drainer = context.bot_data["outbox_drainer"] = Drainer.for_services(services, context.bot)
    application = context.application
    if drainer.running or not application.running:
        return  # already draining, or shutting down: a task now would never be awaited
    application.create_task(drainer.drain(keep_going=lambda: application.running), name="outbox-drain")
