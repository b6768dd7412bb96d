"""One person's updates are handled one at a time, also across worker processes, while the
turn holds neither a transaction nor a pooled connection.

A turn talks to Telegram between its decision's transaction and the record of what it showed,
so the person's lock must outlive both, yet must not pin a database connection for the round
trips. In a process, an asyncio lock
per person (first come, first served). On PostgreSQL, also a session-level advisory lock taken
on ONE dedicated connection per process, outside the pool: `pg_try_advisory_lock`, tried again
after a short pause while another worker has the person, and released when the turn ends. A
worker that dies drops its connection, and PostgreSQL releases its locks with it. SQLite serves
one process, where the asyncio lock is all there is to take.

A turn may end its hold with one statement that writes and releases the lock together
(`Held.release_with`): what it writes there must be what a crash may lose, for the connection
does not wait for the disk at commit (`synchronous_commit` off). A turn records the messages it
showed this way: one round trip, instead of a transaction on a pooled connection and then the
release.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.locks import lock_id

log = logging.getLogger(__name__)

# Pauses between tries while another worker holds the person: short at first (a turn of
# theirs lasts a few round trips to Telegram), never long.
FIRST_PAUSE_SECONDS = 0.005
LONGEST_PAUSE_SECONDS = 0.1

# What losing the lock connection looks like.
LOST = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)

_local_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


@asynccontextmanager
async def local_lock(key: str) -> AsyncIterator[None]:
    """The person's lock within this process."""
    lock = _local_locks.get(key)
    if lock is None:
        lock = asyncio.Lock()
        _local_locks[key] = lock
    async with lock:
        yield


class AdvisoryLocks:
    """Session-level advisory locks on one connection of this process's own.

    The connection is opened on first use and opened again after it was lost (the locks it held
    are gone with it; `citizens.save` still refuses a conversation someone else wrote since it
    was loaded). Statements on it are short and take turns."""

    def __init__(self, connect: Callable[[], Awaitable[Any]]) -> None:
        self._connect = connect
        self._connection: Any = None
        self._turns = asyncio.Lock()

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        async with self._turns:
            for attempt in (1, 2):
                if self._connection is None or self._connection.is_closed():
                    self._connection = await self._connect()
                try:
                    return await self._connection.fetchrow(sql, *args)
                except LOST as error:
                    self._connection.terminate()
                    self._connection = None
                    if attempt == 2:
                        raise
                    log.warning("the person-lock connection was lost (%s); opening it again", error.__class__.__name__)
        raise AssertionError("unreachable")

    async def acquire(self, lock: int) -> None:
        pause = FIRST_PAUSE_SECONDS
        while not (await self.fetchrow("SELECT pg_try_advisory_lock($1)", lock))[0]:
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)

    async def release(self, lock: int) -> None:
        """Give the lock back; if its connection was lost meanwhile, the lock went with it."""
        try:
            await self.fetchrow("SELECT pg_advisory_unlock($1)", lock)
        except LOST as error:
            log.warning("could not release a person lock (%s); it ended with its connection", error.__class__.__name__)

    async def close(self) -> None:
        async with self._turns:
            if self._connection is not None and not self._connection.is_closed():
                await self._connection.close()
            self._connection = None


@dataclass
class Held:
    """A person's lock, held for one turn."""

    lock: int
    advisory: AdvisoryLocks | None = None
    released: bool = False

    @property
    def can_release_with(self) -> bool:
        return self.advisory is not None

    async def release_with(self, sql: str, *args: Any) -> Any:
        """PostgreSQL: end the hold with `sql`, which must release the lock `$1` itself; its
        other parameters are `args`. Returns its row."""
        assert self.advisory is not None
        row = await self.advisory.fetchrow(sql, self.lock, *args)
        self.released = True  # not before: a statement that failed released nothing
        return row


class PersonLocks:
    """`hold(key)` for the length of a turn."""

    def __init__(self, advisory: AdvisoryLocks | None = None) -> None:
        self._advisory = advisory

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> PersonLocks:
        """Across workers on PostgreSQL; within the process on SQLite."""
        if engine.dialect.name != "postgresql":
            return cls()
        _, params = engine.dialect.create_connect_args(engine.url)

        async def connect() -> Any:
            settings = {
                "application_name": "kentbot person locks",
                "synchronous_commit": "off",
                # A worker whose machine vanished (no FIN, no RST) loses its locks within a minute.
                "tcp_keepalives_idle": "20", "tcp_keepalives_interval": "10", "tcp_keepalives_count": "3",
            }
            return await asyncpg.connect(**params, server_settings=settings)

        return cls(AdvisoryLocks(connect))

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[Held]:
        async with local_lock(key):
            if self._advisory is None:
                yield Held(0)
                return
            held = Held(lock_id(key), self._advisory)
            await self._advisory.acquire(held.lock)
            try:
                yield held
            finally:
                if not held.released:
                    await self._advisory.release(held.lock)

    async def close(self) -> None:
        if self._advisory is not None:
            await self._advisory.close()
