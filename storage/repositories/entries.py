"""Staff-entered indicator figures. Rows are only ever added: a correction is a new row that
points at the one it replaces, and the effective entries are those nobody corrects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import IndicatorEntry


def _effective() -> Select[IndicatorEntry]:
    newer = aliased(IndicatorEntry)
    return select(IndicatorEntry).where(~select(newer.id).where(newer.corrects_entry_id == IndicatorEntry.id).exists())


async def effective(
    session: AsyncSession, code: str | None = None, *, start: date | None = None, end: date | None = None
) -> Sequence[IndicatorEntry]:
    statement = _effective()
    if code is not None:
        statement = statement.where(IndicatorEntry.indicator_code == code)
    if start is not None:
        statement = statement.where(IndicatorEntry.occurred_on >= start)
    if end is not None:
        statement = statement.where(IndicatorEntry.occurred_on <= end)
    return (await session.execute(statement.order_by(IndicatorEntry.occurred_on, IndicatorEntry.id))).scalars().all()


async def effective_with_key(session: AsyncSession, code: str, beneficiary_key: str) -> IndicatorEntry | None:
    statement = _effective().where(
        IndicatorEntry.indicator_code == code,
        IndicatorEntry.beneficiary_key == beneficiary_key,
        IndicatorEntry.quantity > 0,
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def effective_milestone(session: AsyncSession, code: str, centre_id: str) -> IndicatorEntry | None:
    statement = _effective().where(
        IndicatorEntry.indicator_code == code, IndicatorEntry.centre_id == centre_id, IndicatorEntry.quantity > 0
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def corrected_by(session: AsyncSession, entry_id: int) -> IndicatorEntry | None:
    statement = select(IndicatorEntry).where(IndicatorEntry.corrects_entry_id == entry_id).limit(1)
    return (await session.execute(statement)).scalar_one_or_none()


async def history(session: AsyncSession, entry_id: int) -> list[IndicatorEntry]:
    """Every row of the chain `entry_id` belongs to, from the first entry to its latest
    correction: what a correction replaced stays readable beside it."""
    entry = await session.get(IndicatorEntry, entry_id)
    if entry is None:
        return []
    chain = [entry]
    while (older_id := chain[0].corrects_entry_id) is not None:
        older = await session.get(IndicatorEntry, older_id)
        assert older is not None, "a correction points at a row (a foreign key)"
        chain.insert(0, older)
    while (newer := await corrected_by(session, chain[-1].id)) is not None:
        chain.append(newer)
    return chain
