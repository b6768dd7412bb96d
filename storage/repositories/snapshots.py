"""The satisfaction figures the public pages published: read all of a year's, add new ones.

Rows are only ever added, never changed: a figure once shown stays what it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name
from storage.models import PublicSnapshot


@dataclass(frozen=True)
class Snapshot:
    """`satisfied` of `n` answers, published on `published_on`; `cell` "" is the whole indicator."""

    code: str
    cell: str
    published_on: date
    satisfied: int
    n: int


async def published(session: AsyncSession, year: int) -> list[Snapshot]:
    """Every snapshot of `year`, oldest first within each indicator and cell."""
    rows = await session.execute(
        select(PublicSnapshot).where(PublicSnapshot.year == year)
        .order_by(PublicSnapshot.code, PublicSnapshot.cell, PublicSnapshot.n)
    )
    return [Snapshot(r.code, r.cell, r.published_on, r.satisfied, r.n) for r in rows.scalars()]


async def publish(session: AsyncSession, year: int, snapshots: Iterable[Snapshot]) -> None:
    """Store new snapshots; one another process stored first (same n) is kept as it was."""
    values = [{"year": year, "code": s.code, "cell": s.cell, "published_on": s.published_on,
               "satisfied": s.satisfied, "n": s.n} for s in snapshots]
    if not values:
        return
    module = postgresql if dialect_name(session) == "postgresql" else sqlite
    await session.execute(module.insert(PublicSnapshot).values(values).on_conflict_do_nothing())
