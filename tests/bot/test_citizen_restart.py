"""A real bot process killed mid-survey and started again: the person resumes, nothing lost."""

from __future__ import annotations

from sqlalchemy import func, select

from devtools.emulator import SimulatedUser
from storage.models import Answer, Response
from tests.bot.bot_process import BotProcess, has_buttons, press_and_wait


async def test_sigkill_mid_survey_then_resume(db, emulator_client, tmp_path) -> None:
    await db.engine.dispose()  # the bot process is the only writer during the test
    bot = BotProcess(emulator_client, db.url, tmp_path)
    try:
        await bot.start()
        user = SimulatedUser(emulator_client, 6060, "Hatice", "tr")
        await user.send("/start disability_centre__bornova-engelli")
        await user.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=30)
        # The poster's link rides in the buttons until consent: nothing is stored before it.
        await press_and_wait(user, "l:tr.disability_centre__bornova-engelli", "açık rıza")
        await press_and_wait(user, "c:yes.tr.disability_centre__bornova-engelli", "Bu soruları kim yanıtlıyor?")
        # The next question on screen means the answer was committed before it was sent.
        await press_and_wait(user, "a:carer", "neler yapıldı")
        await bot.kill()

        await bot.start()
        await user.send("/start")
        notice = await user.wait_for(lambda m: "Kaldığınız yerden devam ediyoruz" in (m["text"] or ""), timeout=30)
        resumed = await user.wait_for(
            lambda m: m["message_id"] > notice["message_id"] and "neler yapıldı" in (m["text"] or "") and has_buttons(m),
            timeout=30,
        )
        assert "Soru 2/" in resumed["text"]  # the centre came from the QR poster, the role was kept
        await user.press(callback_data="t:physiotherapy", message_id=resumed["message_id"])
        await user.wait_for(lambda m: "☑ Fizik tedavi" in str(m.get("reply_markup")), timeout=30)
        await press_and_wait(user, "q:submit", "bilgi veriyor")
        for data, expect in (("a:yes", "nasıl davranıyor"), ("a:4", "gelip gitmekten"), ("a:4", "içeride dolaşmaktan"),
                             ("a:na", "Tuvaletlerden"), ("a:4", "etkinliklerden"),
                             ("a:5", "Genel olarak"), ("a:5", "Görüş ya da önerinizi"), ("q:skip", "Görüşleriniz")):
            await press_and_wait(user, data, expect)
    finally:
        await bot.stop()

    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
        assert (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 1
    assert response.centre_id == "bornova-engelli" and response.respondent_role == "carer"
    assert answers["role"] == "carer" and answers["services"] == ["physiotherapy"] and answers["overall"] == 5
