"""A real bot process killed mid-survey and started again: the person resumes, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.emulator import SimulatedUser
from storage.models import Answer, Response

TOKEN = "123456789:kentbot-test-token"


def start_bot(emulator_url: str, database_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator_url,
        "DATABASE_URL": database_url,
        "KENTBOT_SECRET": "test-secret-0123456789abcdef",
        "KENTBOT_DATA_DIR": str(data_dir),
        "KENTBOT_REPLY_RATE": "0",
    }
    log = (data_dir / "bot.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=environment, stdout=log, stderr=subprocess.STDOUT)


async def wait_for_polling(client, calls_before: int) -> None:
    for _ in range(1200):
        if (await client.metrics())["method_calls"].get("getUpdates", 0) > calls_before:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("bot did not start polling")


def has_buttons(message: dict) -> bool:
    return bool((message.get("reply_markup") or {}).get("inline_keyboard"))


def live(messages: list[dict]) -> dict:
    return [m for m in messages if has_buttons(m)][-1]


async def press_and_wait(user, data: str, expect: str) -> None:
    message = live(await user.bot_messages())
    await user.press(callback_data=data, message_id=message["message_id"])
    await user.wait_for(lambda m: m["message_id"] > message["message_id"] and expect in (m["text"] or ""), timeout=30)


async def test_sigkill_mid_survey_then_resume(db, emulator_client, tmp_path) -> None:
    await db.engine.dispose()  # the bot process is the only writer during the test
    bot = start_bot(emulator_client.base_url, db.url, tmp_path)
    try:
        await wait_for_polling(emulator_client, 0)
        user = SimulatedUser(emulator_client, 6060, "Hatice", "tr")
        await user.send("/start disability_centre__bornova-engelli")
        await user.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=30)
        # The poster's link rides in the buttons until consent: nothing is stored before it.
        await press_and_wait(user, "l:tr.disability_centre__bornova-engelli", "açık rıza")
        await press_and_wait(user, "c:yes.tr.disability_centre__bornova-engelli", "Bu anketi kim yanıtlıyor?")
        await press_and_wait(user, "a:carer", "hangi hizmetlerden")
        bot.send_signal(signal.SIGKILL)
        await asyncio.to_thread(bot.wait, 30)

        calls = (await emulator_client.metrics())["method_calls"].get("getUpdates", 0)
        bot = start_bot(emulator_client.base_url, db.url, tmp_path)
        await wait_for_polling(emulator_client, calls)
        await user.send("/start")
        notice = await user.wait_for(lambda m: "Kaldığınız yerden devam ediyoruz" in (m["text"] or ""), timeout=30)
        resumed = await user.wait_for(
            lambda m: m["message_id"] > notice["message_id"] and "hangi hizmetlerden" in (m["text"] or "") and has_buttons(m),
            timeout=30,
        )
        assert "Soru 2/" in resumed["text"]  # the centre came from the QR poster, the role was kept
        await user.press(callback_data="t:physiotherapy", message_id=resumed["message_id"])
        await user.wait_for(lambda m: "☑ Fizik tedavi" in str(m.get("reply_markup")), timeout=30)
        await press_and_wait(user, "q:submit", "bilgilendiriyor")
        for data, expect in (("a:yes", "tutumundan"), ("a:4", "erişilebilirlikten"), ("a:4", "etkinliklerden"),
                             ("a:5", "Genel olarak"), ("a:5", "Görüş ya da önerinizi"), ("q:skip", "Görüşleriniz")):
            await press_and_wait(user, data, expect)
    finally:
        # Wait off the event loop: the emulator runs on it and must keep answering the bot
        # while it finishes its last turn and shuts down.
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(bot.wait, 15)
        except subprocess.TimeoutExpired:
            bot.kill()

    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
        assert (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 1
    assert response.centre_id == "bornova-engelli" and response.respondent_role == "carer"
    assert answers["role"] == "carer" and answers["services"] == ["physiotherapy"] and answers["overall"] == 5

