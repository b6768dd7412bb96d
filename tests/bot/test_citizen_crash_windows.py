"""A real bot process SIGKILLed in each window of a turn, the kill placed by holding the Bot API
call that marks the window: the answers the person gave are kept, the current step is right,
and after a restart /start (or a button) shows where they are.

A turn decides and commits, then sends, then records what it sent. The windows:
1. committed, nothing sent yet: the first calls of the sending are held;
2. part-way through the sending: the first new message went out, the second is held;
3. sent, the ids not yet recorded: the button's answer, the call after the messages, is held.
Held calls are let go with an error once the bot is dead, so they deliver nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from devtools.emulator import EmulatorClient, SimulatedUser
from storage.models import Answer, Citizen, Conversation, Response
from tests.bot.bot_process import BotProcess, has_buttons, live, press_and_settle, press_and_wait

SURVEY_LINK = "/start disability_centre__bornova-engelli"
ROLE_QUESTION = "Bu soruları kim yanıtlıyor?"
SERVICES_QUESTION = "neler yapıldı"
RESUMED = "Kaldığınız yerden devam ediyoruz"
STALE = "Bu düğme artık geçerli değil"
# After the services question, to the end of the disability-centre survey.
REST_OF_SURVEY = (("a:yes", "nasıl davranıyor"), ("a:4", "gelip gitmekten"), ("a:4", "içeride dolaşmaktan"),
                  ("a:4", "Tuvaletlerden"), ("a:4", "etkinliklerden"),
                  ("a:5", "Genel olarak"), ("a:5", "Görüş ya da önerinizi"), ("q:skip", "Görüşleriniz"))


async def _conversation(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return (await session.execute(select(Conversation.state))).scalar_one()


async def _to_role_question(user: SimulatedUser) -> dict[str, Any]:
    await user.send(SURVEY_LINK)
    await user.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=30)
    # Before consent the poster's link rides in the buttons: nothing is stored yet.
    link = SURVEY_LINK.split()[1]
    await press_and_settle(user, f"l:tr.{link}", "açık rıza")
    return await press_and_settle(user, f"c:yes.tr.{link}", ROLE_QUESTION)


async def _newer(user: SimulatedUser, than: int, fragment: str, *, buttons: bool = False) -> dict[str, Any]:
    return await user.wait_for(
        lambda m: m["message_id"] > than and fragment in (m["text"] or "") and (has_buttons(m) or not buttons), timeout=30
    )


async def _toast(user: SimulatedUser, query_id: str) -> str:
    async def answered() -> dict[str, Any] | None:
        return next((q for q in await user.callback_queries() if q["id"] == query_id and q["answered"]), None)

    for _ in range(600):
        if query := await answered():
            return query["answer"]["text"] or ""
        await asyncio.sleep(0.05)
    raise AssertionError(f"the button {query_id} was never answered")


async def _kill_while_held(bot: BotProcess, emulator: EmulatorClient, method: str) -> None:
    await emulator.wait_until_held(method)
    await bot.kill()
    await emulator.clear_faults()  # the held calls fail now: nothing of them reaches the chat


async def _finish_from_services(user: SimulatedUser, db) -> None:  # type: ignore[no-untyped-def]
    """Tick a service on the live services question, submit, answer the rest; one response."""
    question = live(await user.bot_messages())
    assert SERVICES_QUESTION in question["text"]
    await user.press(callback_data="t:sports", message_id=question["message_id"])
    await user.wait_for(lambda m: "☑ Spor" in str(m.get("reply_markup")), timeout=30)
    await press_and_wait(user, "q:submit", "bilgi veriyor")
    for data, expect in REST_OF_SURVEY:
        await press_and_wait(user, data, expect)
    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
        assert (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 1
    assert response.respondent_role == "carer" and response.centre_id == "bornova-engelli"
    assert answers["role"] == "carer" and answers["services"] == ["sports"] and answers["overall"] == 5


async def test_killed_after_the_answer_committed_and_before_anything_was_sent(db, emulator_client, tmp_path) -> None:
    await db.engine.dispose()  # the bot process is the only writer while it runs
    bot = BotProcess(emulator_client, db.url, tmp_path)
    user = SimulatedUser(emulator_client, 6101, "Hatice", "tr")
    try:
        await bot.start()
        role = await _to_role_question(user)
        # Everything the turn would show first: the next question and the edit of the answered one.
        await emulator_client.set_faults(mode="hang", fraction=1.0, methods=["sendMessage", "editMessageText"])
        await user.press(callback_data="a:carer", message_id=role["message_id"])
        await _kill_while_held(bot, emulator_client, "sendMessage")

        state = await _conversation(db)
        assert state["survey"]["answers"]["role"] == "carer" and state["survey"]["current"] == "services"
        assert "active" not in state and state["live_unrecorded"] is True
        shown = await user.bot_messages()
        assert not any(SERVICES_QUESTION in (m["text"] or "") for m in shown)
        assert has_buttons(next(m for m in shown if m["message_id"] == role["message_id"]))  # never edited

        await bot.start()
        # The answered question still shows its buttons: another answer there changes nothing,
        # the current step is shown instead.
        await user.press(callback_data="a:carer", message_id=role["message_id"])
        again = await _newer(user, role["message_id"], SERVICES_QUESTION, buttons=True)
        assert (await _conversation(db))["survey"]["answers"]["role"] == "carer"
        # Now the services question is the live one: the old buttons are refused.
        query = await user.press(callback_data="a:carer", message_id=role["message_id"])
        assert (await _toast(user, query)).startswith(STALE)
        await user.send("/start")
        notice = await _newer(user, again["message_id"], RESUMED)
        await _newer(user, notice["message_id"], SERVICES_QUESTION, buttons=True)
        await _finish_from_services(user, db)
    finally:
        await bot.stop()


async def test_killed_part_way_through_the_sending(db, emulator_client, tmp_path) -> None:
    await db.engine.dispose()
    bot = BotProcess(emulator_client, db.url, tmp_path)
    user = SimulatedUser(emulator_client, 6102, "Hatice", "tr")
    try:
        await bot.start()
        await user.send(SURVEY_LINK)
        await user.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=30)
        link = SURVEY_LINK.split()[1]
        consent = await press_and_settle(user, f"l:tr.{link}", "açık rıza")
        # Consenting starts the survey: its introduction goes out, its first question is held.
        await emulator_client.set_faults(mode="hang", fraction=1.0, skip=1, methods=["sendMessage"])
        await user.press(callback_data=f"c:yes.tr.{link}", message_id=consent["message_id"])
        await _kill_while_held(bot, emulator_client, "sendMessage")

        async with db.sessions() as session:
            citizen = (await session.execute(select(Citizen))).scalar_one()
        assert "survey" in citizen.consents and citizen.language == "tr"
        state = await _conversation(db)
        assert state["screen"] == "survey" and state["survey"]["current"] == "role" and state["live_unrecorded"] is True
        shown = [m["text"] or "" for m in await user.bot_messages()]
        assert not any(ROLE_QUESTION in text for text in shown)

        await bot.start()
        await user.send("/start")
        notice = await _newer(user, consent["message_id"], RESUMED)
        role = await _newer(user, notice["message_id"], ROLE_QUESTION, buttons=True)
        await user.press(callback_data="a:carer", message_id=role["message_id"])
        await _newer(user, role["message_id"], SERVICES_QUESTION, buttons=True)
        await _finish_from_services(user, db)
    finally:
        await bot.stop()


async def test_killed_after_sending_and_before_the_message_ids_were_recorded(db, emulator_client, tmp_path) -> None:
    await db.engine.dispose()
    bot = BotProcess(emulator_client, db.url, tmp_path)
    user = SimulatedUser(emulator_client, 6103, "Hatice", "tr")
    try:
        await bot.start()
        role = await _to_role_question(user)
        # The button's answer comes after the new messages and before their ids are recorded.
        await emulator_client.set_faults(mode="hang", fraction=1.0, methods=["answerCallbackQuery"])
        await user.press(callback_data="a:carer", message_id=role["message_id"])
        await _kill_while_held(bot, emulator_client, "answerCallbackQuery")

        shown = await user.wait_for(lambda m: SERVICES_QUESTION in (m["text"] or "") and has_buttons(m))
        state = await _conversation(db)
        assert state["survey"]["answers"]["role"] == "carer" and state["survey"]["current"] == "services"
        assert "active" not in state and state["live_unrecorded"] is True

        await bot.start()
        # The question on screen is the current one, but the bot never learnt its id: a press on
        # it shows the question again (a message twice, no answer lost, none taken blindly).
        await user.press(callback_data="t:sports", message_id=shown["message_id"])
        notice = await _newer(user, shown["message_id"], RESUMED)
        again = await _newer(user, notice["message_id"], SERVICES_QUESTION, buttons=True)
        assert (await _conversation(db))["survey"]["pending"] == []
        query = await user.press(callback_data="t:sports", message_id=shown["message_id"])
        assert (await _toast(user, query)).startswith(STALE)
        await user.send("/start")
        notice = await _newer(user, again["message_id"], RESUMED)
        await _newer(user, notice["message_id"], SERVICES_QUESTION, buttons=True)
        await _finish_from_services(user, db)
    finally:
        await bot.stop()
