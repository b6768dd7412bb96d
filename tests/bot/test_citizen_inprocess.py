"""The citizen handlers through `Application.process_update`, with a Bot API that never leaves
the process: duplicates, double taps, forged buttons and unexpected input change nothing."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import func, select

from bot.chat.conversation.turn import APPLIED_UPDATES_KEPT
from storage.models import (
    Answer,
    Citizen,
    Conversation,
    Person,
    ProcessedUpdate,
    Response,
)
from storage.pseudonyms import citizen_key

USER = 4201


async def stored_state(bot, db, user_id: int = USER) -> dict[str, Any]:
    async with db.sessions() as session:
        row = await session.get(Conversation, citizen_key(bot.services.secret, user_id))
        return dict(row.state) if row else {}


def button_data(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def onboard_into_survey(bot, user_id: int = USER, survey: str = "disability_centre") -> dict[str, Any]:
    await bot.feed(bot.message_update(user_id, "/start"))
    await bot.feed(bot.callback_update(user_id, "l:tr", bot.last_live(user_id)["message_id"]))
    await bot.feed(bot.callback_update(user_id, "c:yes", bot.last_live(user_id)["message_id"]))
    await bot.feed(bot.callback_update(user_id, f"s:{survey}", bot.last_live(user_id)["message_id"]))
    return bot.last_live(user_id)


def toasts(bot) -> list[str | None]:
    return [call.params.get("text") for call in bot.api.calls if call.method == "answerCallbackQuery"]


async def count(db, model) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_duplicated_update_has_one_effect(inprocess_bot, db) -> None:
    question = await onboard_into_survey(inprocess_bot)
    update = inprocess_bot.callback_update(USER, "a:carer", question["message_id"])
    await inprocess_bot.feed(update)
    calls_after_first = len(inprocess_bot.api.calls)
    state = await stored_state(inprocess_bot, db)
    await inprocess_bot.feed(update)
    assert len(inprocess_bot.api.calls) == calls_after_first
    assert await stored_state(inprocess_bot, db) == state
    assert state["survey"]["answers"] == {"role": "carer"}


async def test_redelivered_updates_are_known_across_a_long_conversation(inprocess_bot, db) -> None:
    first = inprocess_bot.message_update(USER, "/start")
    await inprocess_bot.feed(first)
    # Only a person who consented has a conversation to keep update ids in.
    onboarding = []
    for data in ("l:tr", "c:yes.tr"):
        onboarding.append(inprocess_bot.callback_update(USER, data, inprocess_bot.last_live(USER)["message_id"]))
        await inprocess_bot.feed(onboarding[-1])
    helps = [inprocess_bot.message_update(USER, "/help") for _ in range(2 * APPLIED_UPDATES_KEPT + 6)]
    for update in helps:
        await inprocess_bot.feed(update)
    calls = len(inprocess_bot.api.calls)
    # The first contact, the latest updates and those moved out of the conversation in between.
    for update in (first, helps[0], helps[APPLIED_UPDATES_KEPT], helps[-APPLIED_UPDATES_KEPT], helps[-1]):
        await inprocess_bot.feed(update)
    assert len(inprocess_bot.api.calls) == calls
    async with db.sessions() as session:
        row = await session.get(Conversation, citizen_key(inprocess_bot.services.secret, USER))
        in_table = set((await session.execute(select(ProcessedUpdate.update_id))).scalars())
    kept = row.applied_updates
    assert APPLIED_UPDATES_KEPT <= len(kept) <= 2 * APPLIED_UPDATES_KEPT and kept[-1] == helps[-1].update_id
    assert in_table | set(kept) == {update.update_id for update in (first, *onboarding, *helps)}


async def test_a_double_tap_records_one_answer(inprocess_bot, db) -> None:
    question = await onboard_into_survey(inprocess_bot)
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "a:carer", question["message_id"]))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "a:carer", question["message_id"]))
    state = await stored_state(inprocess_bot, db)
    assert state["survey"]["answers"] == {"role": "carer"}
    assert state["survey"]["current"] == "centre"
    assert toasts(inprocess_bot)[-1] == "Bu düğme artık geçerli değil. /start ile kaldığınız yerden devam edebilirsiniz."


async def test_forged_and_oversized_buttons_change_nothing(inprocess_bot, db) -> None:
    question = await onboard_into_survey(inprocess_bot)
    before = await stored_state(inprocess_bot, db)
    for data in ("a:not-an-option", "a:" + "x" * 70, "zz:1", "t:self", "q:teleport", "", "s:women_support"):
        await inprocess_bot.feed(inprocess_bot.callback_update(USER, data, question["message_id"]))
    assert await stored_state(inprocess_bot, db) == before
    assert "Bu seçenek bu soruya ait değil. Lütfen düğmelerden birini seçin." in toasts(inprocess_bot)
    assert toasts(inprocess_bot).count("Bu düğme artık geçerli değil. /start ile kaldığınız yerden devam edebilirsiniz.") == 5  # all but the option and the toggle
    assert not any(text.startswith("Bir sorun oluştu") for text in inprocess_bot.texts(USER))
    assert await count(db, Response) == 0


async def test_unexpected_messages_get_help_and_change_nothing(inprocess_bot, db) -> None:
    await onboard_into_survey(inprocess_bot)
    before = await stored_state(inprocess_bot, db)
    sticker = {"sticker": {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
                           "is_animated": False, "is_video": False, "type": "regular"}}
    location = {"location": {"latitude": 38.42, "longitude": 27.14}}
    voice = {"voice": {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}}
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}]}
    for extra in (sticker, location, voice, photo):
        await inprocess_bot.feed(inprocess_bot.message_update(USER, None, extra=extra))
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/teleport"))
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "x" * 100_000))
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/start", edited=True))
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "merhaba"))
    texts = inprocess_bot.texts(USER)
    assert texts.count("Bu tür mesajları okuyamıyorum. Lütfen yazı yazın ya da düğmeleri kullanın.") == 4
    assert "Bu komutu tanımıyorum. Neler yapabileceğinizi görmek için /yardim yazın." in texts
    assert "Mesajınız çok uzun. Lütfen daha kısa yazın." in texts
    assert "Düzenlenen mesajları dikkate alamıyorum. Lütfen yeni bir mesaj gönderin." in texts
    assert texts[-1] == "Lütfen aşağıdaki düğmelerden birini seçin."
    after = await stored_state(inprocess_bot, db)
    assert after["survey"] == before["survey"] and after["active"] == before["active"]


async def test_typed_numbers_are_validated_in_plain_words(inprocess_bot, db) -> None:
    """A number question in a survey of our own: sticker-proof, range-checked, comma decimals."""
    from surveys.definition import parse_definition

    definition = parse_definition({
        "id": "household", "version": 1, "indicator": None, "anonymity": "pseudonymous", "period": "month",
        "title": {"tr": "Hane"}, "intro": {"tr": "Giriş"}, "closing": {"tr": "Bitti"},
        "questions": [{"id": "people", "type": "number", "min": 1, "max": 20, "label": {"tr": "Kaç kişi?"}}],
    })
    inprocess_bot.services.surveys["household"] = definition
    from storage.repositories import surveys as survey_store
    from surveys.definition import content_hash

    async with db.sessions.begin() as session:
        await survey_store.register_definition(
            session, survey_id="household", version=1, content_hash=content_hash(definition), indicator=None,
            anonymity="pseudonymous", definition=definition.model_dump(mode="json"), now=inprocess_bot.services.clock(),
        )
    await onboard_into_survey(inprocess_bot, survey="household")
    for text in ("çok", "0", "21", "2,5"):
        await inprocess_bot.feed(inprocess_bot.message_update(USER, text))
    texts = inprocess_bot.texts(USER)[-4:]
    assert texts == [
        "Bu bir sayı değil. Lütfen yalnızca rakam yazın, örneğin 3.",
        "Lütfen 1 ile 20 arasında bir sayı yazın.",
        "Lütfen 1 ile 20 arasında bir sayı yazın.",
        "Lütfen tam sayı yazın, örneğin 3.",
    ]
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "٣"))
    async with db.sessions() as session:
        answer = (await session.execute(select(Answer))).scalar_one()
    assert answer.value == 3


async def test_cancel_language_and_resume_after_restart(inprocess_bot, db, tmp_path) -> None:
    question = await onboard_into_survey(inprocess_bot)
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "a:carer", question["message_id"]))
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/language"))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "l:en", inprocess_bot.last_live(USER)["message_id"]))
    assert inprocess_bot.last_live(USER)["text"].startswith("Question 2 of")
    assert "Which centre" in inprocess_bot.last_live(USER)["text"]

    # A new application on the same database: the person continues where they were.
    from bot.app import build_application, post_init
    from tests.support.inprocess_bot_api import InProcessBotApi

    api = InProcessBotApi(_next_message_id=5000)
    application = build_application(inprocess_bot.services, "123456789:kentbot-test-token", request=api)
    async with application:
        await post_init(application)
        inprocess_bot.application, inprocess_bot.api = application, api
        await inprocess_bot.feed(inprocess_bot.message_update(USER, "/start"))
        assert inprocess_bot.texts(USER)[0] == "Let's continue where you left off."
        live = inprocess_bot.last_live(USER)
        assert "Which centre" in live["text"] and "a:konak-engelli" in button_data(live)
        await inprocess_bot.feed(inprocess_bot.message_update(USER, "/cancel"))
        assert inprocess_bot.texts(USER)[-1] == "You left the survey. The answers you gave to it were not saved."
    state = await stored_state(inprocess_bot, db)
    assert "survey" not in state and state["screen"] == "idle" and state["lang"] == "en"
    assert await count(db, Response) == 0


async def complete_disability_survey(bot, user_id: int = USER) -> None:
    question = await onboard_into_survey(bot, user_id)
    answers = ["a:self", "h:yes.self", "a:konak-engelli", "t:sports", "q:submit", "a:5", "a:5", "a:na", "a:3", "a:4", "a:2", "q:skip"]
    for data in answers:
        live = bot.last_live(user_id)
        await bot.feed(bot.callback_update(user_id, data, live["message_id"]))
    assert question


async def test_one_response_per_period_and_forget_erases_everything(inprocess_bot, db) -> None:
    await complete_disability_survey(inprocess_bot)
    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
    assert response.satisfied is False and response.score == 2
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/start"))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "s:disability_centre", inprocess_bot.last_live(USER)["message_id"]))
    assert inprocess_bot.texts(USER)[-1] == "Bu anketi bu dönem için zaten yanıtladınız. Katkınız için teşekkür ederiz."

    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/forget"))
    confirm = inprocess_bot.last_live(USER)
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "f:yes", confirm["message_id"]))
    done = inprocess_bot.texts(USER)[-1]
    assert done.startswith("Silindi: dil tercihi ve onay kaydı; sohbet durumu ve yarım kalan anket; size bağlı anket yanıtları (1)")
    key = citizen_key(inprocess_bot.services.secret, USER)
    for model in (Citizen, Conversation, Person, Response, Answer):
        assert await count(db, model) == 0, model.__tablename__
    async with db.sessions() as session:
        assert await session.get(Citizen, key) is None


async def test_safe_exit_deletes_the_conversation_and_leaves_a_neutral_line(inprocess_bot, db) -> None:
    await onboard_into_survey(inprocess_bot, survey="women_support")
    sent_ids = [c.result["message_id"] for c in inprocess_bot.api.calls if c.method == "sendMessage"]
    exit_update = inprocess_bot.message_update(USER, "/cikis")
    await inprocess_bot.feed(exit_update)
    deleted = [int(i) for c in inprocess_bot.api.calls if c.method == "deleteMessages" for i in c.params["message_ids"]]
    assert set(sent_ids) <= set(deleted)
    assert exit_update.message.message_id in deleted
    assert inprocess_bot.texts(USER)[-1] == "Oturum kapatıldı."
    assert await stored_state(inprocess_bot, db) == {}
    # Nothing about the session is kept, yet the same update delivered again is still known.
    calls = len(inprocess_bot.api.calls)
    await inprocess_bot.feed(exit_update)
    assert len(inprocess_bot.api.calls) == calls
    # Messages of the sensitive survey never make a sound.
    survey_messages = [c.params for c in inprocess_bot.api.calls if c.method == "sendMessage" and c.params.get("disable_notification")]
    assert survey_messages and all("şiddet" not in p["text"].lower() for p in survey_messages)


async def test_passers_by_leave_nothing(inprocess_bot, db) -> None:
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/help"))
    assert inprocess_bot.texts(USER)[-1].startswith("Bu bot, İzmir Büyükşehir Belediyesi")
    assert await count(db, Citizen) == 0 and await count(db, Conversation) == 0


async def test_a_failure_is_told_in_the_chosen_language_and_loses_nothing(inprocess_bot, db, monkeypatch) -> None:
    await onboard_into_survey(inprocess_bot)
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/language"))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "l:ar", inprocess_bot.last_live(USER)["message_id"]))
    before = await stored_state(inprocess_bot, db)

    from bot.chat.conversation import survey

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(survey, "apply", broken)
    live = inprocess_bot.last_live(USER)
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "a:carer", live["message_id"]))
    # The Telegram client said Turkish; the person chose Arabic.
    assert inprocess_bot.texts(USER)[-1] == "حدث خطأ ما. إجاباتكم في أمان؛ يرجى المحاولة مرة أخرى بعد قليل."
    assert await stored_state(inprocess_bot, db) == before


async def test_updates_of_a_new_person_on_several_workers_at_once_are_each_applied_once(inprocess_bot, db, monkeypatch) -> None:
    """As if each update reached another worker: no in-process lock, only the database's."""

    @contextlib.asynccontextmanager
    async def no_local_lock(key: str):
        yield

    monkeypatch.setattr("storage.person_lock.local_lock", no_local_lock)
    for round_ in range(3):
        user = USER + 100 + round_
        burst = [inprocess_bot.message_update(user, text) for text in ("/start", "/help", "/help", "/start")]
        await asyncio.gather(*(inprocess_bot.feed(update) for update in burst), inprocess_bot.feed(burst[0]))
        async with db.sessions() as session:
            row = await session.get(Conversation, citizen_key(inprocess_bot.services.secret, user))
            in_table = set((await session.execute(select(ProcessedUpdate.update_id))).scalars())
        assert {update.update_id for update in burst} <= in_table
        assert row is None  # nothing is kept before consent, not even where the person is
        # One reply to each update, none to the duplicate: two language screens and two helps.
        assert len(inprocess_bot.texts(user)) == 4
