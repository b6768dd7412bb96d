"""The pending pool: completed anonymous responses wait here, sealed, and are released into
`responses` in shuffled batches, so the transaction, the position and the answers' ids of an
anonymous response tell only when its batch was released."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import PendingResponse
from storage.repositories import surveys


async def add(session: AsyncSession, response_id: int, completed_on: date, sealed: bytes) -> None:
    """Pool a response; adding the same id twice keeps one (a retried move after a crash)."""
    statement = insert_ignoring_conflicts(session, PendingResponse).values(id=response_id, completed_on=completed_on, sealed=sealed)
    await session.execute(statement)


async def everything(session: AsyncSession) -> list[tuple[int, date, bytes]]:
    rows = await session.execute(select(PendingResponse.id, PendingResponse.completed_on, PendingResponse.sealed))
    return [(response_id, on, sealed) for response_id, on, sealed in rows.all()]


async def release(session: AsyncSession, batch: list[surveys.NewResponse]) -> int:
    """Move `batch` (in the order given, which the caller shuffled) into `responses`; one
    already released (the same id) is not released again. Returns how many were new."""
    released = 0
    for response in batch:
        try:
            await surveys.save_response(session, response)
            released += 1
        except surveys.AlreadyAnswered:
            pass
    ids = [response.id for response in batch]
    if ids:
        await session.execute(delete(PendingResponse).where(PendingResponse.id.in_(ids)))
    return released
