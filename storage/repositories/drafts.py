"""Drafts of anonymous surveys: one sealed row per person in such a survey, nothing else.

Every write that replaces or removes a draft it did not load itself (the anonymous-storage job)
names the sealed value it read, so a turn that saved the draft meanwhile is never overwritten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import Executor
from storage.models import SurveyDraft
from storage.rowcount import changed_rows

_drafts = SurveyDraft.__table__
_LOAD = select(_drafts.c.sealed, _drafts.c.expires_at).where(_drafts.c.key == bindparam("key"))


async def load(session: Executor, key: str) -> tuple[bytes, datetime] | None:
    """The sealed draft and its expiry; an expired one too, which the job has not purged yet
    (the caller must not lose a response it may still hold)."""
    row = (await session.execute(_LOAD, {"key": key})).first()
    return None if row is None else (row.sealed, row.expires_at)


async def save(session: Executor, key: str, sealed: bytes, expires_at: datetime, *, new: bool) -> None:
    values = {"sealed": sealed, "expires_at": expires_at, "fresh": True}
    if new:
        await session.execute(insert(_drafts).values(key=key, **values))
    else:
        await session.execute(update(_drafts).where(_drafts.c.key == key).values(**values))


async def delete_draft(session: Executor, key: str) -> bool:
    return changed_rows(await session.execute(delete(_drafts).where(_drafts.c.key == key))) > 0


async def replace_if_unchanged(session: AsyncSession, key: str, read: bytes, sealed: bytes | None) -> bool:
    """Replace (or, with None, delete) the draft only if it is still the one read."""
    where = (_drafts.c.key == key) & (_drafts.c.sealed == read)
    statement = delete(_drafts).where(where) if sealed is None else update(_drafts).where(where).values(sealed=sealed, fresh=True)
    return changed_rows(await session.execute(statement)) > 0


async def everything(session: AsyncSession) -> list[tuple[str, bytes, datetime]]:
    """(key, sealed, expires_at) of every draft: few, since drafts live hours."""
    rows = await session.execute(select(_drafts.c.key, _drafts.c.sealed, _drafts.c.expires_at))
    return [(key, sealed, expires_at) for key, sealed, expires_at in rows.all()]


async def settle(session: AsyncSession) -> int:
    """Rewrite the drafts written since the last run in one statement: on PostgreSQL they then
    share one transaction id, which no longer dates anyone's last answer."""
    return changed_rows(await session.execute(update(_drafts).where(_drafts.c.fresh.is_(True)).values(fresh=False)))
