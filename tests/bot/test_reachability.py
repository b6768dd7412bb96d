"""Blocking the bot marks a registered person unreachable; unblocking makes them reachable."""

from __future__ import annotations

from datetime import datetime, timezone

from storage.models import Person
from storage.pseudonyms import citizen_key
from tests.waiting import eventually


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

    async def reachable() -> bool:
        return await unreachable() is None

    await user.block()
    await eventually(unreachable, "the blocked person to be marked unreachable")
    await user.unblock()
    await eventually(reachable, "the unblocked person to be reachable again")
