"""Staff log what happened today by the municipality's calendar (Europe/Istanbul), also in the
three hours after local midnight when the UTC date is still yesterday."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import IndicatorEntry

STAFF, MANAGER = 9003, 9002
KONAK = "Konak Kadın Danışma ve Eğitim Merkezi"


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


async def _press(bot, user_id: int, text: str) -> None:
    live = bot.last_live(user_id)
    await bot.feed(bot.callback_update(user_id, _buttons(live)[text], live["message_id"]))


async def _entries(db) -> list[IndicatorEntry]:
    async with db.sessions() as session:
        return list((await session.execute(select(IndicatorEntry).order_by(IndicatorEntry.id))).scalars())


# 00:30 and 23:30 in İzmir (UTC+3) on 25 November 2026.
@pytest.mark.parametrize(
    "utc", [datetime(2026, 11, 24, 21, 30, tzinfo=timezone.utc), datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc)]
)
async def test_aid_logged_just_after_and_before_local_midnight_is_dated_today(inprocess_bot, db, crew, utc) -> None:
    inprocess_bot.services.clock = lambda: utc
    await inprocess_bot.feed(inprocess_bot.message_update(STAFF, "/yardim_kaydi"))
    await _press(inprocess_bot, STAFF, KONAK)
    await inprocess_bot.feed(inprocess_bot.message_update(STAFF, "1001\n1002"))
    assert inprocess_bot.texts(STAFF)[-1].startswith("2 öğrenci kaydedildi"), inprocess_bot.texts(STAFF)
    assert [(e.indicator_code, e.occurred_on) for e in await _entries(db)] == [("4.2.3", date(2026, 11, 25))] * 2


@pytest.mark.parametrize(
    "utc", [datetime(2026, 11, 24, 21, 30, tzinfo=timezone.utc), datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc)]
)
async def test_a_milestone_completed_today_is_accepted_at_any_local_hour(inprocess_bot, db, crew, utc) -> None:
    inprocess_bot.services.clock = lambda: utc
    await inprocess_bot.feed(inprocess_bot.message_update(MANAGER, "/asama"))
    await _press(inprocess_bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi")
    await _press(inprocess_bot, MANAGER, KONAK)
    await inprocess_bot.feed(inprocess_bot.message_update(MANAGER, "25.11.2026"))
    await inprocess_bot.feed(inprocess_bot.message_update(MANAGER, "Kabul tutanağı 2026/40"))
    assert [(e.indicator_code, e.occurred_on) for e in await _entries(db)] == [("4.2.6", date(2026, 11, 25))]
