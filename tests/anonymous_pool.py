"""Waiting for completed anonymous responses to reach `responses`, for tests that read them.

A completed anonymous response leaves its draft after the turn that took the last answer has
committed (bot/anonymous_storage.py), and reaches `responses` only when the pending pool is
released; a test waits for the first and then releases the pool, as the job would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from bot.anonymous_storage import Tidied, tidy
from bot.services import Services
from storage.models import PendingResponse, Response

WAIT_SECONDS = 30.0


async def eventually(condition: Callable[[], Awaitable[bool]], timeout: float = WAIT_SECONDS) -> None:
    """Wait until `condition` holds (a bot works on after the reply a test waits for)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError("the condition did not hold in time")
        await asyncio.sleep(0.02)


async def anonymous_completions(services: Services, survey_id: str = "women_support") -> int:
    """Anonymous responses pooled or released so far."""
    async with services.sessions() as session:
        pooled = (await session.execute(select(func.count()).select_from(PendingResponse))).scalar_one()
        released = (await session.execute(select(func.count()).select_from(Response).where(Response.survey_id == survey_id))).scalar_one()
    return pooled + released


async def release_pool(services: Services, expected: int) -> Tidied:
    """Once `expected` anonymous responses have left their drafts, release the whole pool."""

    async def arrived() -> bool:
        return await anonymous_completions(services) >= expected

    await eventually(arrived)
    return await tidy(services, services.clock(), release_all=True)
