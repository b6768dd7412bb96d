"""The survey instruments in chat, through the real handlers: the women's survey asks first
whether the services were used and keeps nothing after a no; answering the disability survey
oneself with someone's help asks for the health consent first; each survey can be walked to
its end in Turkish, English and Arabic; the disability survey's scale buttons carry faces, the
women's survey's words only."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.callbacks import parse
from storage.models import Answer, Conversation, ParticipationToken, PendingResponse, Response
from storage.pseudonyms import citizen_key
from surveys.definition import Likert5Question, NoteQuestion, load_shipped
from surveys.labels import label

USER = 4801
SURVEYS = load_shipped()


def button_data(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


def carried(bot, user: int, data: str) -> str:  # type: ignore[no-untyped-def]
    """The live button for `data`: the language and consent buttons carry the link too."""
    shown = button_data(bot.last_live(user))
    return next((d for d in shown if d == data or d.startswith(f"{data}.")), data)


async def press(bot, user: int, data: str) -> None:  # type: ignore[no-untyped-def]
    await bot.feed(bot.callback_update(user, carried(bot, user, data), bot.last_live(user)["message_id"]))


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def open_by_link(bot, user: int, payload: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    await bot.feed(bot.message_update(user, f"/start {payload}"))
    await press(bot, user, f"l:{lang}")
    await press(bot, user, "c:yes")


async def test_a_no_to_the_first_question_ends_the_womens_survey_politely_and_keeps_nothing(inprocess_bot, db) -> None:
    women = SURVEYS["women_support"]
    assert women.eligibility is not None
    await open_by_link(inprocess_bot, USER, women.link_code, "tr")
    assert "Son 12 ayda" in inprocess_bot.last_live(USER)["text"]
    await press(inprocess_bot, USER, "a:no")

    texts = inprocess_bot.texts(USER)
    assert label(women.eligibility.closing, "tr") in texts
    assert label(women.closing, "tr") not in texts  # not the ordinary thanks for answers kept
    assert "Hangi destekleri aldınız?" not in "\n".join(texts)
    # Nothing that could count in 4.2.5: no response, none waiting in the pool, no token.
    assert await count(db, Response) == await count(db, PendingResponse) == await count(db, ParticipationToken) == 0
    # The chat can still be cleared, and the survey opened again if that was a wrong tap.
    assert any(parse(data).kind == "exit" for data in button_data(inprocess_bot.last_live(USER)))  # type: ignore[union-attr]
    await inprocess_bot.feed(inprocess_bot.message_update(USER, f"/start {women.link_code}"))
    assert "Son 12 ayda" in inprocess_bot.last_live(USER)["text"]


async def test_answering_oneself_with_help_asks_the_health_consent_before_the_answer_is_taken(inprocess_bot, db) -> None:
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/start"))
    await press(inprocess_bot, USER, "l:tr")
    await press(inprocess_bot, USER, "c:yes")
    await press(inprocess_bot, USER, "s:disability_centre")
    assert "a:self_helped" in button_data(inprocess_bot.last_live(USER))
    await press(inprocess_bot, USER, "a:self_helped")

    assert button_data(inprocess_bot.last_live(USER))[0] == "h:yes.self_helped"
    async with db.sessions() as session:
        row = await session.get(Conversation, citizen_key(inprocess_bot.services.secret, USER))
    assert row is not None and "self_helped" not in str(row.state)  # the answer is not taken yet
    await press(inprocess_bot, USER, "h:yes.self_helped")
    async with db.sessions() as session:
        row = await session.get(Conversation, citizen_key(inprocess_bot.services.secret, USER))
    assert row is not None and row.state["survey"]["answers"]["role"] == "self_helped"


async def walk_to_the_end(bot, user: int, closing: str) -> None:  # type: ignore[no-untyped-def]
    """Answer every question: yes, the first option ticked, the best rating, a short comment."""
    for _ in range(40):
        if closing in bot.texts(user):
            return
        data = button_data(bot.last_live(user))
        if any(d.startswith("t:") for d in data):
            await press(bot, user, next(d for d in data if d.startswith("t:")))
            await press(bot, user, "q:submit")
        elif "a:yes" in data:
            await press(bot, user, "a:yes")
        elif any(d.startswith("h:yes") for d in data):
            await press(bot, user, next(d for d in data if d.startswith("h:yes")))
        elif "a:5" in data:
            await press(bot, user, "a:5")
        elif any(d.startswith("a:") for d in data):
            await press(bot, user, next(d for d in data if d.startswith("a:")))
        else:
            await bot.feed(bot.message_update(user, "Teşekkürler"))
    raise AssertionError(f"the survey did not end: {bot.texts(user)[-3:]}")


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
@pytest.mark.parametrize("survey_id", ["women_support", "disability_centre"])
async def test_each_survey_is_walked_to_its_end_in_every_language(inprocess_bot, db, survey_id: str, lang: str) -> None:
    defn = SURVEYS[survey_id]
    user = USER + 10
    await open_by_link(inprocess_bot, user, defn.link_code, lang)
    await walk_to_the_end(inprocess_bot, user, label(defn.closing, lang))

    shown = "\n".join(inprocess_bot.texts(user))
    asked = [q for q in defn.questions if not isinstance(q, NoteQuestion) and q.relevant is None]
    assert all(label(q.label, lang) in shown for q in asked), lang
    # Each rating question offered its own scale in the person's language.
    buttons = [b["text"] for c in inprocess_bot.api.calls if c.method == "sendMessage" and c.params.get("reply_markup")
               for row in c.result["reply_markup"]["inline_keyboard"] for b in row]
    for question in defn.questions:
        if isinstance(question, Likert5Question):
            # (after the face, on a survey with faces)
            assert all(any(b.endswith(label(point, lang)) for b in buttons) for point in question.scale), (question.id, lang)



def rating_buttons(bot, user: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(value, text) of the live message's buttons."""
    return [(b["callback_data"], b["text"]) for row in bot.last_live(user)["reply_markup"]["inline_keyboard"] for b in row]


async def walk_to_the_first_rating(bot, user: int) -> None:  # type: ignore[no-untyped-def]
    """Answer as in `walk_to_the_end` until a question offers the scale's first point."""
    for _ in range(20):
        data = button_data(bot.last_live(user))
        if "a:1" in data:
            return
        if any(d.startswith("t:") for d in data):
            await press(bot, user, next(d for d in data if d.startswith("t:")))
            await press(bot, user, "q:submit")
        elif "a:yes" in data:
            await press(bot, user, "a:yes")
        elif any(d.startswith("h:yes") for d in data):
            await press(bot, user, next(d for d in data if d.startswith("h:yes")))
        else:
            await press(bot, user, next(d for d in data if d.startswith("a:")))
    raise AssertionError(f"no rating question came: {bot.texts(user)[-3:]}")


def first_strong_direction(text: str) -> str:
    """'R' or 'L': the direction a line takes from its first strong character."""
    return next(kind for kind in map(unicodedata.bidirectional, text) if kind in ("L", "R", "AL")).replace("AL", "R")


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
async def test_the_disability_surveys_scale_buttons_carry_faces_worst_to_best_and_keep_the_number(
    inprocess_bot, db, lang: str
) -> None:
    defn = SURVEYS["disability_centre"]
    user = USER + 20
    await open_by_link(inprocess_bot, user, defn.link_code, lang)
    await walk_to_the_first_rating(inprocess_bot, user)
    rated = next(q for q in defn.questions if isinstance(q, Likert5Question) and label(q.label, lang) in inprocess_bot.last_live(user)["text"])

    points = [(data, text) for data, text in rating_buttons(inprocess_bot, user) if data in {f"a:{n}" for n in range(1, 6)}]
    assert [data for data, _ in points] == ["a:1", "a:2", "a:3", "a:4", "a:5"]
    faces = ["😞", "🙁", "😐", "🙂", "😀"]
    mark = "\u200f" if lang == "ar" else ""
    assert [text for _, text in points] == [f"{mark}{face} {label(word, lang)}" for face, word in zip(faces, rated.scale)]
    # Each button reads the way its language does, the face first: right to left in Arabic.
    assert {first_strong_direction(text) for _, text in points} == {"R" if lang == "ar" else "L"}

    await press(inprocess_bot, user, "a:4")
    await walk_to_the_end(inprocess_bot, user, label(defn.closing, lang))
    async with db.sessions() as session:
        kept = (await session.execute(select(Answer.value).where(Answer.question_id == rated.id))).scalar_one()
    assert kept == 4


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
async def test_the_womens_survey_keeps_its_scale_buttons_in_words_only(inprocess_bot, db, lang: str) -> None:
    defn = SURVEYS["women_support"]
    user = USER + 30
    await open_by_link(inprocess_bot, user, defn.link_code, lang)
    await walk_to_the_first_rating(inprocess_bot, user)
    rated = next(q for q in defn.questions if isinstance(q, Likert5Question) and label(q.label, lang) in inprocess_bot.last_live(user)["text"])

    texts = dict(rating_buttons(inprocess_bot, user))
    assert [texts[f"a:{n}"] for n in range(1, 6)] == [label(word, lang) for word in rated.scale]
