"""Citizens complete surveys through the real bot, over real HTTP to the emulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from anonymous_pool import release_pool
from sqlalchemy import func, select

from devtools.emulator import SimulatedUser
from storage.models import Answer, Citizen, Conversation, Response, SurveyDraft
from tests.waiting import eventually

Message = dict[str, Any]


def buttons(message: Message) -> list[dict[str, str]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def has_button(text: str) -> Callable[[Message], bool]:
    return lambda message: any(button["text"] == text for button in buttons(message))


def contains(fragment: str) -> Callable[[Message], bool]:
    return lambda message: fragment in (message.get("text") or "")


async def after(user: SimulatedUser, action: Awaitable[Any], predicate: Callable[[Message], bool]) -> Message:
    """Do something, then wait for a NEW bot message that matches."""
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await action
    return await user.wait_for(lambda m: m["message_id"] > seen and predicate(m))


async def onboard(user: SimulatedUser, language_button: str, consent_button: str, payload: str = "") -> None:
    await after(user, user.send(f"/start {payload}".strip()), has_button(language_button))
    await after(user, user.press(language_button), has_button(consent_button))
    await user.press(consent_button)


async def test_turkish_carer_completes_the_disability_survey(live_bot, db) -> None:
    ayse = live_bot.citizen(5001, "tr")
    await onboard(ayse, "Türkçe", "Evet, onaylıyorum")
    choose = await ayse.wait_for(contains("Hangi hizmeti"))
    await after(ayse, ayse.press("Engelli merkezi hizmet değerlendirmesi", message_id=choose["message_id"]), contains("Bu soruları kim yanıtlıyor?"))
    q = await after(ayse, ayse.press("Merkeze gelen kişinin yakını ya da bakıcısıyım"), contains("Hangi merkez?"))
    assert "Soru 2/" in q["text"]
    await after(ayse, ayse.press("Buca Engelli Hizmet Merkezi"), contains("neler yapıldı"))
    await ayse.press("☐ Ulaşım")
    await ayse.wait_for(has_button("☑ Ulaşım"))
    await ayse.press("☐ Spor")
    await ayse.wait_for(has_button("☑ Spor"))
    await after(ayse, ayse.press("✔ Tamam"), contains("bilgi veriyor mu"))
    await after(ayse, ayse.press("Evet"), contains("nasıl davranıyor"))
    # Back, then answer again: the earlier answer is shown and can be changed.
    back = await after(ayse, ayse.press("◀ Geri"), contains("bilgi veriyor mu"))
    assert "Yanıtınız: Evet" in back["text"]
    await after(ayse, ayse.press("Hayır"), contains("nasıl davranıyor"))
    await after(ayse, ayse.press("😀 Çok memnunum"), contains("gelip gitmekten"))
    await after(ayse, ayse.press("🙂 Memnunum"), contains("içeride dolaşmaktan"))
    await after(ayse, ayse.press("Bu soru bana uymuyor"), contains("Tuvaletlerden"))
    await after(ayse, ayse.press("🙂 Memnunum"), contains("etkinliklerden"))
    await after(ayse, ayse.press("😐 Ne memnunum ne değilim"), contains("Genel olarak"))
    await after(ayse, ayse.press("🙂 Memnunum"), contains("Görüş ya da önerinizi"))
    rejected = await after(ayse, ayse.send("x" * 600), contains("çok uzun"))
    assert "500" in rejected["text"]
    await after(ayse, ayse.send("Personel çok ilgili, teşekkürler."), contains("Görüşleriniz bizim için değerli"))

    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
    assert (response.survey_id, response.survey_version, response.centre_id) == ("disability_centre", 3, "buca-engelli")
    assert response.respondent_role == "carer" and response.satisfied is True and response.score == 4
    assert response.language == "tr" and response.completed_at is not None
    assert answers["services"] == ["transport", "sports"]
    assert answers["carer_informed"] == "no" and answers["moving_inside"] == "na"
    assert answers["comment"] == "Personel çok ilgili, teşekkürler."
    # The answered questions were edited in place to show the choice, without buttons.
    edited = [m for m in await ayse.bot_messages() if m["edited"]]
    assert any("Yanıtınız: Buca Engelli Hizmet Merkezi" in m["text"] and not buttons(m) for m in edited)


async def test_arabic_speaker_completes_the_anonymous_survey_and_leaves_no_trace(live_bot, db) -> None:
    user_id, first_name, username = 777001, "Layla", "layla_izmir"
    layla = SimulatedUser(live_bot.emulator, user_id, first_name, "ar", username=username)
    await onboard(layla, "العربية", "نعم، أوافق", payload="degerlendirme")
    await layla.wait_for(contains("خلال الأشهر الاثني عشر الماضية"))
    await after(layla, layla.press("نعم"), contains("ما نوع الدعم"))
    await layla.press("☐ الاستشارة والإرشاد")
    await layla.wait_for(has_button("☑ الاستشارة والإرشاد"))
    await after(layla, layla.press("✔ تم"), lambda m: bool(buttons(m)))
    # Answer every remaining button question with its last (best) option, skip the comment.
    for _ in range(10):
        current = (await layla.bot_messages())[-1]
        options = [b for b in buttons(current) if b["callback_data"].startswith("a:")]
        if options:
            await after(layla, layla.press(options[-1]["text"], message_id=current["message_id"]), lambda m: True)
        elif any(b["callback_data"] == "q:skip" for b in buttons(current)):
            await after(layla, layla.press("تخطٍّ ◀", message_id=current["message_id"]), lambda m: True)
        else:
            break
    final = await layla.wait_for(contains("شكرًا لكم. تم تسجيل إجابتكم."))
    assert has_button("مسح المحادثة والخروج")(final)
    chat = await layla.chat()
    assert any("112" in (m["text"] or "") and "183" in (m["text"] or "") for m in chat)

    await release_pool(live_bot.services, expected=1)
    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        assert response.survey_id == "women_support" and response.completed_at is None
        assert response.satisfied is True and response.language == "ar"
        # Someone new who came by the neutral link left no profile and no conversation: the
        # language, the consent and the answers were kept in her draft only.
        assert (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Citizen))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(SurveyDraft))).scalar_one() == 1  # for the safe exit
    await assert_nowhere(db, [str(user_id), first_name, username])


async def test_a_phone_number_typed_into_the_anonymous_survey_is_removed_and_the_person_told(live_bot, db) -> None:
    """Someone who leaves a number may wait for a call: they are told nobody can reach them."""
    nur = SimulatedUser(live_bot.emulator, 5006, "Nur", "tr")
    await onboard(nur, "Türkçe", "Evet, onaylıyorum", payload="degerlendirme")
    await nur.wait_for(contains("Son 12 ayda"))
    await after(nur, nur.press("Evet"), contains("Hangi destekleri aldınız?"))
    await nur.press("☐ Danışmanlık")
    await after(nur, nur.press("✔ Tamam"), lambda m: bool(buttons(m)))
    for _ in range(10):
        current = (await nur.bot_messages())[-1]
        options = [b for b in buttons(current) if b["callback_data"].startswith("a:")]
        if not options:
            break
        await after(nur, nur.press(options[-1]["text"], message_id=current["message_id"]), lambda m: True)
    assert "Eklemek istediğiniz" in (await nur.bot_messages())[-1]["text"]
    notice = await after(nur, nur.send("Lütfen beni 0532 123 45 67 numarasından arayın"), contains("kimse size ulaşamaz"))
    assert "112" in notice["text"]
    await nur.wait_for(contains("Teşekkür ederiz. Yanıtınız kaydedildi."))
    shown = [m["text"] or "" for m in await nur.chat()]
    assert any("[silindi]" in text for text in shown) and not any("0532 123" in text for text in shown if "Lütfen beni" not in text)
    await release_pool(live_bot.services, expected=1)
    async with db.sessions() as session:
        comment = (await session.execute(select(Answer.value).where(Answer.question_id == "comment"))).scalar_one()
    assert comment == "Lütfen beni [silindi] numarasından arayın"
    await assert_nowhere(db, ["0532 1", "123 45 67"])  # with a space, which no random key holds


async def assert_nowhere(db, needles: list[str]) -> None:
    """Search every column of every table for any of the needles."""
    from sqlalchemy import Text, cast, or_

    from storage.models import Base

    async with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            conditions = [cast(column, Text).contains(needle) for column in table.columns for needle in needles]
            found = (await session.execute(select(func.count()).select_from(table).where(or_(*conditions)))).scalar_one()
            assert found == 0, f"{table.name} holds one of {needles}"


async def test_declining_consent_keeps_nothing(live_bot, db) -> None:
    john = live_bot.citizen(5002, "en-GB", "John")
    await after(john, john.send("/start"), has_button("English"))
    await after(john, john.press("English"), has_button("No, I do not agree"))
    query_id = await john.press("No, I do not agree")
    # The answer is an alert, not a message: the chat is cleared and nothing is left on screen.
    answer = await _answer_of(john, query_id)
    assert answer["show_alert"] and "We kept nothing" in answer["text"]
    assert await john.bot_messages() == []
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Citizen))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 0


async def _answer_of(user: SimulatedUser, query_id: str) -> dict[str, Any]:
    async def answer() -> dict[str, Any] | None:
        query = next(q for q in await user.callback_queries() if q["id"] == query_id)
        return query["answer"] if query["answered"] else None

    return await eventually(answer, f"the bot to answer the button press {query_id}")


async def test_english_speaker_switches_language_mid_survey_then_cancels(live_bot, db) -> None:
    anna = live_bot.citizen(5003, "en", "Anna")
    await onboard(anna, "English", "Yes, I agree")
    choose = await anna.wait_for(contains("Which service"))
    await after(anna, anna.press("Disability centre feedback", message_id=choose["message_id"]), contains("Who is answering"))
    await after(anna, anna.send("/language"), has_button("Türkçe"))
    question = await after(anna, anna.press("Türkçe"), contains("Bu soruları kim yanıtlıyor?"))
    assert "Soru 1/" in question["text"]
    await after(anna, anna.send("/cancel"), contains("Anket bırakıldı"))
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 0
        conversation = (await session.execute(select(Conversation))).scalar_one()
    assert conversation.state["lang"] == "tr" and "survey" not in conversation.state


async def test_safe_exit_over_http_leaves_one_neutral_line(live_bot, db) -> None:
    hatice = live_bot.citizen(5004, "tr", "Hatice")
    await onboard(hatice, "Türkçe", "Evet, onaylıyorum", payload="degerlendirme")
    await hatice.wait_for(contains("Son 12 ayda"))
    await after(hatice, hatice.send("/cikis"), contains("Oturum kapatıldı."))
    visible = [m for m in await hatice.chat() if not m["deleted"]]
    assert [m["text"] for m in visible] == ["Oturum kapatıldı."]
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(SurveyDraft))).scalar_one() == 0


async def test_forget_over_http_erases_the_person(live_bot, db) -> None:
    mehmet = live_bot.citizen(5005, "tr", "Mehmet")
    await onboard(mehmet, "Türkçe", "Evet, onaylıyorum")
    await mehmet.wait_for(contains("Hangi hizmeti"))
    await after(mehmet, mehmet.send("/forget"), has_button("Hayır, silmeyin"))
    await after(mehmet, mehmet.press("Hayır, silmeyin"), contains("hiçbir şey silinmedi"))
    await after(mehmet, mehmet.send("/forget"), has_button("Evet, hepsini silin"))
    done = await after(mehmet, mehmet.press("Evet, hepsini silin"), contains("Silindi"))
    assert "dil tercihi ve onay kaydı" in done["text"]
    async with db.sessions() as session:
        for model in (Citizen, Conversation, Response, Answer):
            assert (await session.execute(select(func.count()).select_from(model))).scalar_one() == 0
