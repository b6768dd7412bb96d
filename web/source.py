"""Where the cached figures come from: the database, read through the reports' arithmetic."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from web.cache import Compute
from web.figures import YearFigures, compute_year


def from_database(
    sessions: async_sessionmaker[AsyncSession],
    zone: ZoneInfo,
    before: Callable[[], Awaitable[object]] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Compute:
    """A year's figures from the database; `before` runs first when the year is the current
    one (the bot releases anonymous answers that are due, as the CLI does before it computes,
    and tidies the database). Only then: it takes a lock and scrubs, so once per recomputation
    of the current year, never once per year asked for; other years read what is released
    (the bot's own job releases the pool every few minutes too)."""

    async def compute(year: int) -> YearFigures:
        now = clock()
        if before is not None and year == now.astimezone(zone).year:
            await before()
            now = clock()
        async with sessions.begin() as session:
            return await compute_year(session, year, zone, now)

    return compute
