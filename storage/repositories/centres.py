"""Centres in the database follow the centres file; a centre removed from it is deactivated,
never deleted, because responses and events still point at it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Centre


class CentreLike(Protocol):
    """Read-only, as the centres file's frozen records are."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name_tr(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def district(self) -> str: ...


async def sync(session: AsyncSession, centres: Iterable[CentreLike]) -> None:
    wanted = {centre.id: centre for centre in centres}
    stored = {row.id: row for row in (await session.execute(select(Centre))).scalars()}
    for centre_id, centre in wanted.items():
        row = stored.get(centre_id)
        if row is None:
            row = Centre(id=centre_id)
            session.add(row)
        row.type, row.name_tr, row.name_en, row.district, row.active = (
            centre.type, centre.name_tr, centre.name_en, centre.district, True
        )
    for centre_id, row in stored.items():
        if centre_id not in wanted:
            row.active = False
    await session.flush()


async def active(session: AsyncSession, centre_type: str | None = None) -> Sequence[Centre]:
    statement = select(Centre).where(Centre.active.is_(True)).order_by(Centre.id)
    if centre_type is not None:
        statement = statement.where(Centre.type == centre_type)
    return (await session.execute(statement)).scalars().all()
