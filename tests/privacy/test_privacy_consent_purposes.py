"""Consent per purpose, through the real bot: events (registration and QR check-in) never need
the survey consent, a survey never needs the events consent, health data has its own explicit
consent asked before the answer is taken (declining it keeps every other service), each
consent can be withdrawn alone, and the women's survey is reached only by its neutral link."""

from __future__ import annotations

from datetime import timedelta

from exit_erasure_support import (  # noqa: F401  (bot is a fixture)
    admin,
    after,
    bot,
    buttons,
    has_button,
    press_on,
    publish,
    says,
    settled,
    start_and_consent,
    tomorrow_at,
)
from sqlalchemy import select

from services.attendance import checkin_payload
from services.events import local_text
from storage.models import Citizen, Conversation, Registration
from storage.pseudonyms import citizen_key

EVENTS_CONSENT = "Etkinlik kaydı ve katılım için"
SURVEY_CONSENT = "Anket yanıtlarınızın"


async def _consents(bot, user) -> set[str]:  # type: ignore[no-untyped-def]
    async with bot.services.sessions() as session:
        citizen = await session.get(Citizen, citizen_key(bot.services.secret, user.user_id))
    return set(citizen.consents) if citizen is not None else set()


async def _registrations(bot) -> list[str]:  # type: ignore[no-untyped-def]
    async with bot.services.sessions() as session:
        return list((await session.execute(select(Registration.status))).scalars())


async def _open_event(user, event, bot) -> None:  # type: ignore[no-untyped-def]
    await user.send("/events")
    await press_on(user, "Hepsi")
    await press_on(user, "Tüm merkezler")
    await press_on(user, f"{local_text(event.starts_at, bot.services.zone)} · {event.title}"[:60])
    await user.wait_for(lambda m: has_button("Kayıt ol")(m) or has_button("Kaydımı iptal et")(m), timeout=30)


async def _finish_disability_survey_as_carer(user) -> None:  # type: ignore[no-untyped-def]
    await press_on(user, "Merkeze gelen kişinin yakını ya da bakıcısıyım")
    for _ in range(30):
        current = (await user.bot_messages())[-1]
        if says("Görüşleriniz bizim için değerli")(current):
            return
        data = [b["callback_data"] for b in buttons(current)]
        toggles = [b for b in buttons(current) if b["callback_data"].startswith("t:")]
        if toggles:
            await user.press(toggles[0]["text"], message_id=current["message_id"])
            await user.wait_for(lambda m, current=current: m["message_id"] == current["message_id"] and "☑" in str(m.get("reply_markup")), timeout=30)
            await after(user, user.press(callback_data="q:submit", message_id=current["message_id"]), lambda m: True)
        elif any(d.startswith("a:") for d in data):
            choice = next(b for b in buttons(current) if b["callback_data"].startswith("a:"))
            await after(user, user.press(choice["text"], message_id=current["message_id"]), lambda m: True)
        elif "q:skip" in data:
            await after(user, user.press(callback_data="q:skip", message_id=current["message_id"]), lambda m: True)
        else:
            await user.wait_for(lambda m, current=current: m["message_id"] > current["message_id"] or bool(buttons(m)), timeout=30)
    await user.wait_for(says("Görüşleriniz bizim için değerli"), timeout=30)


async def test_registering_and_checking_in_need_no_survey_consent(bot, db) -> None:
    actor = await admin(bot)
    later = await publish(bot, actor, kind="women", centre="konak-kadin", title="El sanatları", place="Salon",
                          starts_at=tomorrow_at(bot, 14))
    now = await publish(bot, actor, kind="women", centre="konak-kadin", title="Kahve", place="Bahçe",
                        starts_at=bot.clock() + timedelta(minutes=30))
    nur = bot.citizen(8101, "tr", "Nur")
    await _open_event(nur, later, bot)
    await press_on(nur, "Kayıt ol")
    await press_on(nur, "Türkçe")
    # The events notice and its own question: no word of surveys being required.
    await nur.wait_for(says(EVENTS_CONSENT), timeout=30)
    await press_on(nur, "Evet, onaylıyorum")
    await nur.wait_for(says("Kaydınız alındı: El sanatları"), timeout=30)
    assert await _consents(bot, nur) == {"events"}
    assert await _registrations(bot) == ["confirmed"]

    # A QR check-in by someone new asks the events consent only, and checks in after it.
    can = bot.citizen(8102, "tr", "Can")
    await can.send(f"/start {checkin_payload(bot.services.secret, now.id, bot.clock())}")
    await press_on(can, "Türkçe")
    await can.wait_for(says(EVENTS_CONSENT), timeout=30)
    await press_on(can, "Evet, onaylıyorum")
    await can.wait_for(says("Katılımınız kaydedildi"), timeout=30)
    assert await _consents(bot, can) == {"events"}

    # The survey consent is still asked when she comes to a survey.
    await after(nur, nur.send("/start"), says(SURVEY_CONSENT))


async def test_a_survey_needs_no_events_consent_and_events_ask_their_own(bot, db) -> None:
    actor = await admin(bot)
    event = await publish(bot, actor, kind="women", centre="konak-kadin", title="El sanatları", place="Salon",
                          starts_at=tomorrow_at(bot, 14))
    ali = bot.citizen(8201, "tr", "Ali")
    await start_and_consent(ali, "disability_centre")
    await _finish_disability_survey_as_carer(ali)
    assert await _consents(bot, ali) == {"survey"}

    await _open_event(ali, event, bot)
    seen = max(m["message_id"] for m in await ali.bot_messages())
    await press_on(ali, "Kayıt ol")
    # The short notice comes first, with a button of its own: wait for the question after it.
    await ali.wait_for(lambda m: m["message_id"] > seen and EVENTS_CONSENT in (m["text"] or "") and bool(buttons(m)), timeout=30)
    assert await _registrations(bot) == []
    # Declining the events consent keeps the survey consent and everything else.
    await settled(ali, await press_on(ali, "Hayır, onaylamıyorum"))
    assert await _consents(bot, ali) == {"survey"} and await _registrations(bot) == []
    await after(ali, ali.send("/start"), says("Hangi hizmeti"))


async def test_health_consent_is_asked_before_a_health_answer_is_kept_and_declining_keeps_the_rest(bot, db) -> None:
    actor = await admin(bot)
    event = await publish(bot, actor, kind="disability_activity", centre="bornova-engelli", title="Resim atölyesi", place="Salon",
                          starts_at=tomorrow_at(bot, 14))
    deniz = bot.citizen(8301, "tr", "Deniz")
    await _open_event(deniz, event, bot)
    await press_on(deniz, "Kayıt ol")
    await press_on(deniz, "Türkçe")
    await press_on(deniz, "Evet, onaylıyorum")
    await deniz.wait_for(says("Kaydınız alındı"), timeout=30)
    await deniz.send("/start disability_centre")
    await press_on(deniz, "Evet, onaylıyorum")
    await press_on(deniz, "Ben, merkeze gelen kişiyim")
    await deniz.wait_for(says("Açık rıza (sağlık verisi)"), timeout=30)
    async with bot.services.sessions() as session:
        conversation = await session.get(Conversation, citizen_key(bot.services.secret, deniz.user_id))
    assert conversation is not None and "self" not in str(conversation.state)  # the answer is not taken yet

    await settled(deniz, await press_on(deniz, "Hayır, onaylamıyorum"))
    await deniz.wait_for(says("Sağlık verisi saklamadık"), timeout=30)
    async with bot.services.sessions() as session:
        conversation = await session.get(Conversation, citizen_key(bot.services.secret, deniz.user_id))
    assert "self" not in str(conversation.state) and "survey" not in conversation.state  # type: ignore[union-attr]
    assert await _consents(bot, deniz) == {"survey", "events"}
    assert await _registrations(bot) == ["confirmed"]
    # Other services go on: the registration shows, and a survey as a carer needs no health consent.
    await _open_event(deniz, event, bot)
    await deniz.wait_for(has_button("Kaydımı iptal et"), timeout=30)

    # Agreeing takes the answer and goes on to the next question.
    ece = bot.citizen(8302, "tr", "Ece")
    await start_and_consent(ece, "disability_centre")
    await press_on(ece, "Ben, merkeze gelen kişiyim")
    await press_on(ece, "Evet, onaylıyorum")
    await ece.wait_for(says("Hangi merkez?"), timeout=30)
    assert await _consents(bot, ece) == {"survey", "health"}
    async with bot.services.sessions() as session:
        conversation = await session.get(Conversation, citizen_key(bot.services.secret, ece.user_id))
    assert "self" in str(conversation.state)  # type: ignore[union-attr]


async def test_each_consent_can_be_withdrawn_alone(bot, db) -> None:
    actor = await admin(bot)
    event = await publish(bot, actor, kind="women", centre="konak-kadin", title="El sanatları", place="Salon",
                          starts_at=tomorrow_at(bot, 14))
    mine = bot.citizen(8401, "tr", "Mine")
    await start_and_consent(mine)
    await _open_event(mine, event, bot)
    await press_on(mine, "Kayıt ol")
    await press_on(mine, "Evet, onaylıyorum")
    await mine.wait_for(says("Kaydınız alındı"), timeout=30)
    await mine.send("/izinler")
    await settled(mine, await press_on(mine, "Geri al: Etkinlikler ve katılım"))
    await mine.wait_for(says("Açık rızanızı geri aldınız: Etkinlikler ve katılım"), timeout=30)
    assert await _consents(bot, mine) == {"survey"}
    # The next registration asks again; the survey list is still there without asking.
    await _open_event(mine, event, bot)
    await after(mine, mine.send("/start"), says("Hangi hizmeti"))


async def test_the_womens_survey_is_not_listed_but_opens_by_its_link(bot, db) -> None:
    leyla = bot.citizen(8501, "tr", "Leyla")
    await start_and_consent(leyla)
    listed = await leyla.wait_for(says("Hangi hizmeti"), timeout=30)
    data = [b["callback_data"] for b in buttons(listed)]
    assert "s:disability_centre" in data and "s:women_support" not in data
    await after(leyla, leyla.send("/start degerlendirme"), says("Son 12 ayda"))
