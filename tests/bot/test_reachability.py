"""Blocking the bot marks a registered person unreachable; unblocking makes them reachable."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from storage.models import Person
from storage.pseudonyms import citizen_key


async def test_block_and_unblock_follow_the_person(live_bot, db) -> None:
    user = live_bot.citizen(5151, "tr")
    await user.send("/help")
    await user.wait_for(lambda m: "/sil" in (m["text"] or ""))
    async with db.sessions.begin() as session:
        session.add(Person(
            citizen_key=citizen_key(live_bot.services.secret, 5151), telegram_user_id=5151, display_name="Ayşe",
            language="tr", created_at=datetime.now(timezone.utc),
        ))

    async def unreachable() -> datetime | None:
        async with db.sessions() as session:
            person = await session.get(Person, 1)
            return person.unreachable_at

    await user.block()
    for _ in range(100):
        if await unreachable() is not None:
            break
        await asyncio.sleep(0.05)
    assert await unreachable() is not None
    await user.unblock()
    for _ in range(100):
        if await unreachable() is None:
            break
        await asyncio.sleep(0.05)
    assert await unreachable() is None
