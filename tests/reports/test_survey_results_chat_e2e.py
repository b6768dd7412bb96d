"""/report's survey results and item charts in chat, through the real bot over real HTTP to
the emulator, on a database holding a year of responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from typing import Any

import pytest
from PIL import Image
from raw_results import raw_by_centre
from results_db_sample import YEAR, seed
from sqlalchemy import select

from reports.weekly import item_chart, survey_comparison
from storage.models import OutboxMessage, StaffMember
from surveys.definition import load_shipped
from tests.conftest import running_bot
from tests.waiting import eventually

MANAGER_ID = 7201
# The last day of the sample's year, mid-morning in İzmir: "year to date" is the whole year.
LAST_DAY = datetime(YEAR, 12, 31, 7, tzinfo=timezone.utc)
DISABILITY = load_shipped()["disability_centre"]


class YearEndClock:
    """Real time, moved to the sample's last day, so the bot's "today" is in the sample."""

    def __init__(self) -> None:
        self.offset = LAST_DAY - datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


@pytest.fixture
async def year_bot(db, emulator_client, tmp_path) -> AsyncIterator[Any]:
    async with db.sessions.begin() as session:
        await seed(session)
    async for live in running_bot(db, emulator_client, tmp_path, clock=YearEndClock()):
        yield live


async def _manager(db, telegram_user_id: int) -> int:
    async with db.sessions.begin() as session:
        member = StaffMember(telegram_user_id=telegram_user_id, display_name="Müdür", role="manager", language="tr",
                             created_at=datetime.now(timezone.utc))
        session.add(member)
        await session.flush()
        return member.id


def _says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda message: fragment in (message.get("text") or "")


async def _offer(live, manager) -> dict[str, Any]:
    await manager.send("/report")
    await manager.wait_for(_says("Hangi dönemin"))
    await manager.press("Yıl başından bugüne")
    return await manager.wait_for(_says("Anket sonuçları, 01.01.2026–31.12.2026"), timeout=30)


async def test_a_manager_pages_through_a_surveys_results_and_gets_its_chart(year_bot, db) -> None:
    await _manager(db, MANAGER_ID)
    manager = year_bot.citizen(MANAGER_ID, "tr", "Müdür")
    offer = await _offer(year_bot, manager)
    async with db.sessions() as session:
        expected = await survey_comparison(session, DISABILITY, date(YEAR, 1, 1), date(YEAR, 12, 31))
    raw = await raw_by_centre(db, "disability_centre", date(YEAR, 1, 1), date(YEAR, 12, 31))

    await manager.press("📋 Sonuçlar: Engelli merkezi hizmet değerlendirmesi", message_id=offer["message_id"])
    first = await manager.wait_for(_says("Sayfa 1/"), timeout=20)
    # The figures and flags of every other output: the raw count, small samples, hidden cells.
    assert f"Yanıt: {sum(len(group) for group in raw.values())} (anket sürümü {DISABILITY.version})" in first["text"]
    assert "n<30: küçük örneklem" in first["text"] and "gizlendi" in first["text"]
    pages = int(first["text"].rsplit("Sayfa 1/", 1)[1])
    assert pages > 1
    await manager.press("Sonraki ▶", message_id=first["message_id"])
    second = await manager.wait_for(
        lambda m: m["message_id"] == first["message_id"] and f"Sayfa 2/{pages}" in (m.get("text") or ""), timeout=20
    )
    # The last page holds each centre's differences from the city, real ones said so.
    while f"Sayfa {pages}/{pages}" not in second["text"]:
        shown = int(second["text"].rsplit("Sayfa ", 1)[1].split("/")[0])
        await manager.press("Sonraki ▶", message_id=first["message_id"])
        second = await manager.wait_for(
            lambda m, n=shown + 1: m["message_id"] == first["message_id"] and f"Sayfa {n}/" in (m.get("text") or ""),
            timeout=20,
        )
    assert "Bornova" in second["text"] and "Kent geneliyle fark" in second["text"]

    await manager.press("📊 Grafik: Engelli merkezi hizmet değerlendirmesi", message_id=offer["message_id"])
    photo = await manager.wait_for(lambda m: m["kind"] == "photo" and "madde puanları" in (m.get("caption") or ""),
                                   timeout=30)
    content = await year_bot.emulator.file(photo["photo"][-1]["file_id"])
    assert content == item_chart(expected, "tr")
    with Image.open(BytesIO(content)) as image:
        assert image.format == "PNG" and image.width == 1080

    async def sent() -> bool:
        async with db.sessions() as session:
            rows = (await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)
                                          .where(OutboxMessage.dedupe_key.like("%:items")))).all()
        return len(rows) == 1 and rows[0].status == "sent"

    await eventually(sent, "the chart to go out through the outbox, once")


async def test_a_revoked_manager_gets_neither_results_nor_chart(year_bot, db) -> None:
    staff_id = await _manager(db, MANAGER_ID)
    manager = year_bot.citizen(MANAGER_ID, "tr", "Müdür")
    offer = await _offer(year_bot, manager)
    async with db.sessions.begin() as session:
        member = await session.get(StaffMember, staff_id)
        member.revoked_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        member.active = False
    await manager.press("📊 Grafik: Engelli merkezi hizmet değerlendirmesi", message_id=offer["message_id"])
    await manager.wait_for(_says("yalnızca yöneticiler"))
    await manager.press("📋 Sonuçlar: Hizmet değerlendirmesi", message_id=offer["message_id"])

    async def refused_twice() -> bool:
        return sum("yalnızca yöneticiler" in (m.get("text") or "") for m in await manager.bot_messages()) == 2

    await eventually(refused_twice, "both presses refused")
    messages = await manager.bot_messages()
    assert not [m for m in messages if "Sayfa 1/" in (m.get("text") or "")]
    assert not [m for m in messages if m["kind"] == "photo" and "madde puanları" in (m.get("caption") or "")]
