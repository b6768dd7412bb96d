"""Chat trails: the message ids of a chat whose person has no conversation row (before consent,
after an erasure), kept for minutes so the safe exit can still clear that chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import Executor, dialect_name
from storage.models import ChatTrail
from storage.rowcount import changed_rows
from storage.sqlite_driver import COMMIT_IF_CHANGED

_trails = ChatTrail.__table__


def _keep(module: Any) -> Any:
    # On the table, not the mapped class: a session runs it as a Core statement too.
    statement = module.insert(_trails)
    return statement.on_conflict_do_update(
        index_elements=[_trails.c.key],
        set_={"message_ids": statement.excluded.message_ids, "expires_at": statement.excluded.expires_at},
    )


# Built once for each database, the values bound at execution: a turn before consent runs them.
_KEEP = {"postgresql": _keep(postgresql), "sqlite": _keep(sqlite)}
_KEEP_COMMITTING = {name: statement.execution_options(**{COMMIT_IF_CHANGED: True}) for name, statement in _KEEP.items()}
_DROP = delete(_trails).where(_trails.c.key == bindparam("trail"))


async def keep(
    session: Executor, key: str, message_ids: list[int], expires_at: datetime, *, ends_transaction: bool = False
) -> None:
    """Replace the trail with these ids (the caller passes the whole list). `ends_transaction`:
    nothing follows in the caller's transaction, so on SQLite this commits it in the same
    hand-off (`storage.sqlite_driver`)."""
    statement = (_KEEP_COMMITTING if ends_transaction else _KEEP)[dialect_name(session)]
    await session.execute(statement, {"key": key, "message_ids": message_ids, "expires_at": expires_at})


async def drop(session: Executor, key: str) -> None:
    await session.execute(_DROP, {"trail": key})


async def purge(session: AsyncSession, now: datetime) -> int:
    return changed_rows(await session.execute(delete(ChatTrail).where(ChatTrail.expires_at <= now)))
