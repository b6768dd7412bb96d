"""Work done once at a time under a name, within one transaction.

PostgreSQL: a transaction-scoped advisory lock on a 64-bit hash of the name, released at
commit or rollback. SQLite: every transaction already begins IMMEDIATE (one writer at a time,
across processes). A person's turn, which outlives its transactions, takes
`storage.person_lock` instead.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name


def lock_id(key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


async def lock_in_transaction(session: AsyncSession, key: str) -> None:
    """Hold `key` until the session's transaction ends (PostgreSQL); a no-op on SQLite."""
    if dialect_name(session) == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id(key)})
