"""Telegram failing part-way through a turn: what the person did is kept, nothing shows twice."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Answer, Conversation, Response
from storage.pseudonyms import citizen_key
from tests.bot.test_citizen_e2e import after, contains, has_button, onboard
from tests.waiting import eventually


async def until(check):  # type: ignore[no-untyped-def]
    """Poll `check` until it returns something true, and return that."""
    return await eventually(check, check.__name__)


async def _consented_and_asked(user):  # type: ignore[no-untyped-def]
    """The first question, once the consent turn has also edited the consent message (that
    edit goes alongside the new messages): a fault on edits set next is for the next turn."""
    first = await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    await user.wait_for(contains("✔ Evet, onaylıyorum"))
    return first


def _faults_spent(emulator, count: int):  # type: ignore[no-untyped-def]
    async def spent() -> bool:
        return (await emulator.metrics())["faults_injected"] == count

    return spent


async def _to_last_question(user) -> None:
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    await after(user, user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım"), contains("neler yapıldı"))
    await user.press("☐ Spor")
    await user.wait_for(has_button("☑ Spor"))
    for button, next_question in (("✔ Tamam", "bilgi veriyor mu"), ("Evet", "nasıl davranıyor"), ("🙂 Memnunum", "gelip gitmekten"),
                                  ("🙂 Memnunum", "içeride dolaşmaktan"), ("🙂 Memnunum", "Tuvaletlerden"),
                                  ("🙂 Memnunum", "etkinliklerden"), ("🙂 Memnunum", "Genel olarak"), ("🙂 Memnunum", "Görüş ya da önerinizi")):
        await after(user, user.press(button), contains(next_question))


async def test_a_server_error_is_retried_and_the_question_arrives_once(live_bot, db) -> None:
    user = live_bot.citizen(7101, "tr")
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    await live_bot.emulator.set_faults(mode="error", status=502, next_n=2, methods=["sendMessage"])
    await after(user, user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım"), contains("neler yapıldı"))

    texts = [m["text"] or "" for m in await user.bot_messages()]
    assert sum("neler yapıldı" in text for text in texts) == 1
    assert (await live_bot.emulator.metrics())["faults_injected"] == 2
    # The new question's buttons are the live ones.
    await user.press("☐ Spor")
    await user.wait_for(has_button("☑ Spor"))


async def test_a_time_out_after_the_thanks_still_keeps_the_response(live_bot, db) -> None:
    user = live_bot.citizen(7102, "tr")
    await _to_last_question(user)
    # Telegram shows the thanks, then never answers the button's acknowledgement.
    await live_bot.emulator.set_faults(mode="hang", next_n=1, methods=["answerCallbackQuery"])
    await after(user, user.press("Atla ▶"), contains("Görüşleriniz bizim için değerli"))

    async def saved() -> bool:
        async with db.sessions() as session:
            return (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 1

    await until(saved)
    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
        conversation = (await session.execute(select(Conversation))).scalar_one()
    assert response.centre_id == "bornova-engelli" and answers["services"] == ["sports"] and answers["overall"] == 4
    assert conversation.state.get("screen") == "idle" and "survey" not in conversation.state
    assert (await live_bot.emulator.metrics())["faults_injected"] == 1


async def test_a_lost_question_is_shown_again_by_start(live_bot, db) -> None:
    user = live_bot.citizen(7103, "tr")
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    first = await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    # Telegram is down for a moment: the next question fails even after the retries.
    await live_bot.emulator.set_faults(mode="error", status=500, next_n=3, methods=["sendMessage"])
    await user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım", message_id=first["message_id"])

    async def answer_saved() -> bool:
        async with db.sessions() as session:
            conversation = (await session.execute(select(Conversation))).scalar_one_or_none()
        return conversation is not None and conversation.state.get("survey", {}).get("answers", {}).get("role") == "carer"

    async def retries_spent() -> bool:
        return (await live_bot.emulator.metrics())["faults_injected"] == 3

    # The answer is saved before Telegram is asked; the question then fails three times.
    await until(answer_saved)
    await until(retries_spent)
    assert not any("neler yapıldı" in (m["text"] or "") for m in await user.bot_messages())
    # The answered question shows the answer; /start shows where the person is.
    answered = next(m for m in await user.bot_messages() if m["message_id"] == first["message_id"])
    assert "Yanıtınız: Merkeze gelen kişinin yakını ya da bakıcısıyım" in answered["text"] and not answered.get("reply_markup")
    await after(user, user.send("/start"), contains("neler yapıldı"))


async def test_an_older_message_telegram_fails_to_change_does_not_hold_the_next_question(live_bot, db) -> None:
    user = live_bot.citizen(7105, "tr")
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    first = await _consented_and_asked(user)
    # The answered question cannot be edited, even after the retries; the next one still comes.
    await live_bot.emulator.set_faults(mode="error", status=500, next_n=3, methods=["editMessageText"])
    await after(user, user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım", message_id=first["message_id"]), contains("neler yapıldı"))
    await until(_faults_spent(live_bot.emulator, 3))
    # The old question still shows its buttons, but they no longer answer for the new one.
    query_id = await user.press("Ben, merkeze gelen kişiyim", message_id=first["message_id"])

    async def toast() -> str | None:
        for query in await user.callback_queries():
            if query["id"] == query_id and query["answered"]:
                return query["answer"]["text"]
        return None

    assert "/start" in await until(toast)
    async with db.sessions() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
    assert conversation.state["survey"]["answers"]["role"] == "carer"  # not the stale button's "self"
    await user.press("☐ Spor")  # the new question's buttons are the live ones
    await user.wait_for(has_button("☑ Spor"))


async def test_a_button_answered_too_late_loses_nothing(live_bot, db) -> None:
    user = live_bot.citizen(7104, "tr")
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    first = await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    # Telegram stalls on the next question long enough for the button's answer to come too late.
    await live_bot.emulator.set_faults(mode="hang", next_n=1, methods=["sendMessage"])
    query_id = await user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım", message_id=first["message_id"])

    async def send_hangs() -> int:
        return (await live_bot.emulator.metrics())["faults_injected"]

    await until(send_hangs)
    await live_bot.emulator.advance_clock(20)
    await live_bot.emulator.clear_faults()

    await user.wait_for(contains("neler yapıldı"))
    await user.press("☐ Spor")  # the new question's buttons are live: the state was saved
    await user.wait_for(has_button("☑ Spor"))
    late = next(q for q in await user.callback_queries() if q["id"] == query_id)
    assert late["answered"] is False
    assert not any("Bir sorun oluştu" in (m["text"] or "") for m in await user.bot_messages())


async def test_stale_buttons_refused_by_telegram_cost_no_pause_and_hold_nobody_up(live_bot, db) -> None:
    """Fifteen presses on an old question's buttons, answered after Telegram stopped taking
    answers for them: each answer is refused once and never tried again, and another person's
    /help is answered while Telegram still holds the first of those answers."""
    emulator = live_bot.emulator
    ayse, fatma = live_bot.citizen(7106, "tr"), live_bot.citizen(7107, "tr")
    await onboard(ayse, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    first = await _consented_and_asked(ayse)
    # Telegram fails to take the answered question's buttons away, after its retries: they stay, stale.
    await emulator.set_faults(mode="error", status=500, next_n=3, methods=["editMessageText"])
    answered = await ayse.press("Merkeze gelen kişinin yakını ya da bakıcısıyım", message_id=first["message_id"])
    await ayse.wait_for(contains("neler yapıldı"))
    await until(_faults_spent(emulator, 3))
    await emulator.clear_faults()

    async def turn_over() -> bool:
        return any(q["id"] == answered and q["answered"] for q in await ayse.callback_queries())

    await until(turn_over)
    answers_before = (await emulator.metrics())["method_calls"].get("answerCallbackQuery", 0)

    await emulator.set_faults(mode="hold", fraction=1.0, methods=["answerCallbackQuery"])
    presses = [await ayse.press("Merkeze gelen kişinin yakını ya da bakıcısıyım", message_id=first["message_id"]) for _ in range(15)]
    await emulator.wait_until_held("answerCallbackQuery")
    # Ayşe's turns go one at a time, the first waiting for Telegram: it holds no database connection.
    await after(fatma, fatma.send("/help"), contains("/sil"))
    assert (await emulator.faults())["holding"] == {"answercallbackquery": 1}

    await emulator.advance_clock(20)  # too late now for Telegram to take an answer to any of them
    await emulator.clear_faults()

    async def all_answered_once() -> bool:
        return (await emulator.metrics())["method_calls"].get("answerCallbackQuery", 0) - answers_before >= 15

    await until(all_answered_once)
    # Ayşe's next update is applied after all her earlier turns ended, retries included.
    await after(ayse, ayse.send("/help"), contains("/sil"))
    metrics = await emulator.metrics()
    assert metrics["method_calls"]["answerCallbackQuery"] - answers_before == 15
    queries = {q["id"]: q for q in await ayse.callback_queries()}
    assert not any(queries[query_id]["answered"] for query_id in presses)
    async with db.sessions() as session:
        conversation = await session.get(Conversation, citizen_key(live_bot.services.secret, 7106))
    assert conversation.state["survey"]["answers"]["role"] == "carer"
