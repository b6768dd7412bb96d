"""Long polling that confirms an update to Telegram only after it is applied.

python-telegram-bot's own polling confirms a batch (passes the next offset) as soon as it
asks for the next one, before the batch is applied, so a process killed meanwhile loses it.
Here every update is applied in its own task, concurrently across people as before, and the
offset given to getUpdates is the first update not yet applied (see `offsets.py`). A process
killed at any moment gets again, after its restart, every update it had not finished; one it
had applied but not yet confirmed comes again too, and the turn recognises its id.

While updates are being applied, getUpdates returns them again at once instead of waiting, so
the loop asks again only when one of them finishes or after `BUSY_REPOLL` seconds, to pick up
other people's new updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.updates.applying import apply
from bot.updates.offsets import Offsets

log = logging.getLogger(__name__)

BUSY_REPOLL = 0.25
# After a failed getUpdates: wait this long, 1.5 times longer after each further failure, at most MAX_PAUSE.
FIRST_PAUSE, MAX_PAUSE = 1.0, 30.0
T = TypeVar("T")


class Poller:
    """One process's getUpdates loop and the updates it is applying."""

    def __init__(self, application: Application, *, allowed_updates: Sequence[str] | None, timeout: float) -> None:
        self.application = application
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.offsets = Offsets()
        self.confirmed: int | None = None
        self.applying: set[asyncio.Task[None]] = set()
        self.progress = asyncio.Event()

    async def run(self, stop: asyncio.Event, *, grace: float) -> None:
        """Fetch and apply until `stop` is set, then let the updates being applied finish (for
        at most `grace` seconds; the rest come again after a restart) and confirm them."""
        try:
            await self._fetch_until(stop)
        finally:
            await self._finish(grace)

    async def _fetch_until(self, stop: asyncio.Event) -> None:
        pause = 0.0
        while not stop.is_set():
            self.progress.clear()
            busy = self.offsets.in_progress > 0
            offset = self.offsets.offset
            try:
                fetched = await _unless(stop, self.application.bot.get_updates(
                    offset=offset, timeout=0 if busy else self.timeout, allowed_updates=self.allowed_updates,
                ))
            except InvalidToken:
                raise
            except RetryAfter as error:
                log.warning("getUpdates: %s", error)
                await _unless(stop, asyncio.sleep(error._retry_after.total_seconds()))  # noqa: SLF001
                continue
            except TimedOut:
                continue
            except Exception as error:  # noqa: BLE001 - Telegram unreachable or odd: keep trying, slower
                pause = min(MAX_PAUSE, pause * 1.5) if pause else FIRST_PAUSE
                log.warning("getUpdates failed (%s); trying again in %.1f s", error, pause)
                await _unless(stop, asyncio.sleep(pause))
                continue
            if fetched is None:
                return
            pause = 0.0
            self.confirmed = offset
            new = set(self.offsets.take_new(update.update_id for update in fetched))
            for update in fetched:
                if update.update_id in new:
                    self._start(update)
            if not new and busy:
                await _unless(stop, _first(self.progress.wait(), BUSY_REPOLL))

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(self._apply(update), name=f"update-{update.update_id}")
        self.applying.add(task)
        task.add_done_callback(self.applying.discard)

    async def _apply(self, update: Update) -> None:
        try:
            await apply(self.application, update)
        except Exception:  # noqa: BLE001 - the error handler failed too; taking it again would repeat that
            log.exception("update %s could not be handled", update.update_id)
        # Not reached when cancelled at shutdown: such an update stays unconfirmed.
        self.offsets.finish(update.update_id)
        self.progress.set()

    async def _finish(self, grace: float) -> None:
        if self.applying:
            log.info("waiting for %d updates being applied", len(self.applying))
            _, unfinished = await asyncio.wait(set(self.applying), timeout=grace)
            for task in unfinished:
                task.cancel()
            if unfinished:
                log.warning("%d updates were not finished; Telegram will deliver them again", len(unfinished))
                await asyncio.gather(*unfinished, return_exceptions=True)
        offset = self.offsets.offset
        if offset is None or offset == self.confirmed:
            return
        try:
            # Confirms what was applied since the last call; what is left comes again.
            await self.application.bot.get_updates(offset=offset, timeout=0, allowed_updates=self.allowed_updates)
        except TelegramError as error:
            log.warning("could not confirm the last applied updates (%s); they will come again and be recognised", error)


async def _unless(stop: asyncio.Event, awaitable: Awaitable[T]) -> T | None:
    """`awaitable`'s result, or None (and it is cancelled) if `stop` is set first."""
    task = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None


async def _first(awaitable: Awaitable[object], timeout: float) -> None:
    """Wait for `awaitable`, at most `timeout` seconds."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(awaitable, timeout)
