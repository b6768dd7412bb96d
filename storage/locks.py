"""One person's updates are handled one at a time, also across processes.

PostgreSQL: a transaction-scoped advisory lock on a 64-bit hash of the key, released at
commit or rollback (a citizen's update takes it before it reads anything of the person). SQLite: every transaction already begins IMMEDIATE (one writer at a time,
across processes); an in-process lock per key keeps tasks of one process from queuing on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name

_local_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def lock_id(key: str) -> int:
    """A signed 64-bit number for pg_advisory_xact_lock."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def local_lock(key: str) -> AsyncIterator[None]:
    lock = _local_locks.get(key)
    if lock is None:
        lock = asyncio.Lock()
        _local_locks[key] = lock
    async with lock:
        yield


async def lock_in_transaction(session: AsyncSession, key: str) -> None:
    """Hold `key` until the session's transaction ends (PostgreSQL); a no-op on SQLite."""
    if dialect_name(session) == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id(key)})
