"""A survey's last step failing to save: the person is told plainly, every answer (the last one
typed included) is kept, and the next try stores the response once, without answering again.

The failures are real database refusals over the real bot and emulator: the centre a response
names is missing from the centres table, or a trigger the test installs refuses the anonymous
survey's participation token; each is then put right and the person tries again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from anonymous_pool import anonymous_completions, release_pool
from sqlalchemy import delete, func, insert, select, text

from bot.chat.conversation import drafts
from devtools.emulator import SimulatedUser
from storage.models import Answer, Centre, Citizen, Conversation, ParticipationToken, PendingResponse, Response
from tests.bot.test_citizen_e2e import after, assert_nowhere, buttons, contains, onboard
from tests.bot.test_citizen_telegram_faults import _to_last_question
from tests.waiting import eventually

CENTRE = "bornova-engelli"
COMMENT = "Personel çok ilgili; fizyoterapist Zeynep Hanım'a teşekkürler."
NOT_SAVED = "kaydedemedik"
SEND_AGAIN = "Yeniden gönder"


@asynccontextmanager
async def centre_missing(db: Any, centre_id: str) -> AsyncIterator[None]:
    """The centre's row is gone from the centres table for the block, then put back as it was."""
    table = Centre.__table__
    async with db.engine.begin() as connection:
        row = (await connection.execute(select(table).where(table.c.id == centre_id))).mappings().one()
        await connection.execute(delete(table).where(table.c.id == centre_id))
    try:
        yield
    finally:
        async with db.engine.begin() as connection:
            await connection.execute(insert(table).values(**row))


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_tokens BEFORE INSERT ON participation_tokens "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_tokens() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
        "CREATE TRIGGER refuse_tokens BEFORE INSERT ON participation_tokens FOR EACH ROW EXECUTE FUNCTION refuse_tokens()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_tokens"],
    "postgresql": ["DROP TRIGGER refuse_tokens ON participation_tokens", "DROP FUNCTION refuse_tokens()"],
}


@asynccontextmanager
async def tokens_refused(db: Any) -> AsyncIterator[None]:
    """Every participation token written during the block is refused by the database."""
    async with db.engine.begin() as connection:
        for statement in REFUSE[db.backend]:
            await connection.execute(text(statement))
    try:
        yield
    finally:
        async with db.engine.begin() as connection:
            for statement in ALLOW[db.backend]:
                await connection.execute(text(statement))


async def count(db: Any, model: Any) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def conversation_state(db: Any) -> dict[str, Any]:
    async with db.sessions() as session:
        return (await session.execute(select(Conversation))).scalar_one().state


async def stored_answers(db: Any) -> dict[str, Any]:
    async with db.sessions() as session:
        return {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}


async def _last_answer_refused(live_bot: Any, db: Any, user: SimulatedUser) -> dict[str, Any]:
    """Reach the last question, type the comment while the centre is missing: the plain message."""
    await _to_last_question(user)
    async with centre_missing(db, CENTRE):
        told = await after(user, user.send(COMMENT), contains(NOT_SAVED))
        state = await conversation_state(db)
        assert await count(db, Response) == 0 and await count(db, Answer) == 0
    return {"told": told, "state": state}


@pytest.mark.parametrize("next_try", ["button", "start"])
async def test_a_refused_last_answer_is_kept_and_the_next_try_stores_it_once(live_bot, db, next_try) -> None:
    user = live_bot.citizen(7201 if next_try == "button" else 7202, "tr")
    refused = await _last_answer_refused(live_bot, db, user)
    told, state = refused["told"], refused["state"]
    # Plainly: nothing is lost, nothing has to be answered again, and how to try again.
    assert "Yanıtlarınızı şu anda kaydedemedik" in told["text"] and "yeniden yanıtlamanız gerekmiyor" in told["text"]
    assert [b["text"] for b in buttons(told)] == [SEND_AGAIN]
    # Every answer, the typed comment too, waits in the conversation.
    kept = state["survey"]["answers"]
    assert kept["centre"] == CENTRE and kept["role"] == "carer" and kept["services"] == ["sports"]
    assert kept["overall"] == 4 and kept["comment"] == COMMENT
    # The last question shows the comment it took, and no buttons that could answer again.
    last_question = next(m for m in await user.bot_messages() if "Görüş ya da önerinizi" in (m["text"] or ""))
    assert COMMENT in last_question["text"] and not buttons(last_question)

    if next_try == "button":
        await after(
            user, user.press(SEND_AGAIN, message_id=told["message_id"]), contains("Görüşleriniz bizim için değerli")
        )
    else:
        await after(user, user.send("/start"), contains("Görüşleriniz bizim için değerli"))

    assert await count(db, Response) == 1
    async with db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
    answers = await stored_answers(db)
    assert response.centre_id == CENTRE and response.respondent_role == "carer" and response.score == 4
    assert answers["comment"] == COMMENT and answers["services"] == ["sports"] and answers["overall"] == 4
    assert "survey" not in await conversation_state(db)
    # The button of the failed try is gone, and /start now stores nothing twice.
    assert not buttons(next(m for m in await user.bot_messages() if m["message_id"] == told["message_id"]))
    await after(user, user.send("/start"), contains("Hangi hizmeti"))
    assert await count(db, Response) == 1


async def test_a_second_refusal_keeps_the_answers_again(live_bot, db) -> None:
    user = live_bot.citizen(7203, "tr")
    told = (await _last_answer_refused(live_bot, db, user))["told"]
    async with centre_missing(db, CENTRE):
        again = await after(user, user.press(SEND_AGAIN, message_id=told["message_id"]), contains(NOT_SAVED))
        assert (await conversation_state(db))["survey"]["answers"]["comment"] == COMMENT
    await after(
        user, user.press(SEND_AGAIN, message_id=again["message_id"]), contains("Görüşleriniz bizim için değerli")
    )
    assert await count(db, Response) == 1 and (await stored_answers(db))["comment"] == COMMENT


async def _to_last_anonymous_question(user: SimulatedUser) -> None:
    await onboard(user, "English", "Yes, I agree", payload="degerlendirme")
    await user.wait_for(contains("In the last 12 months"))
    await after(user, user.press("Yes"), contains("What support"))
    await user.press("☐ Counselling")
    await after(user, user.press("✔ Done"), lambda m: bool(buttons(m)))
    for _ in range(10):
        current = (await user.bot_messages())[-1]
        options = [b for b in buttons(current) if b["callback_data"].startswith("a:")]
        if not options:
            break
        await after(user, user.press(options[-1]["text"], message_id=current["message_id"]), lambda m: True)
    assert "add" in (await user.bot_messages())[-1]["text"]


async def test_a_refused_anonymous_completion_stays_in_the_draft_and_links_to_nobody(live_bot, db) -> None:
    user_id, first_name = 720461937, "Meryem"  # nine digits: no random key holds them by chance
    user = SimulatedUser(live_bot.emulator, user_id, first_name, "en")
    await _to_last_anonymous_question(user)
    comment = "The counsellor listened to me."
    async with tokens_refused(db):
        told = await after(user, user.send(comment), contains("could not save your answers"))
        assert "you do not need to answer again" in told["text"]
        assert [b["text"] for b in buttons(told)] == ["Send again"]
        async with db.sessions() as session:
            draft = await drafts.load(session, live_bot.services.secret, user_id, live_bot.services.clock())
        assert draft is not None and draft.submission is None
        assert draft.state["survey"]["answers"]["comment"] == comment
        assert await count(db, ParticipationToken) == 0 and await anonymous_completions(live_bot.services) == 0
        # Kept in the draft alone: no profile, no conversation, nothing that names her.
        assert await count(db, Citizen) == 0 and await count(db, Conversation) == 0
        await assert_nowhere(db, [str(user_id), first_name])

    await after(
        user, user.press("Send again", message_id=told["message_id"]), contains("Thank you. Your answer is recorded.")
    )
    await release_pool(live_bot.services, expected=1)
    assert await count(db, Response) == 1 and await count(db, PendingResponse) == 0
    assert await count(db, ParticipationToken) == 1
    assert (await stored_answers(db))["comment"] == comment
    assert await count(db, Citizen) == 0 and await count(db, Conversation) == 0
    await assert_nowhere(db, [str(user_id), first_name])

    async def drafted_no_response() -> bool:
        async with db.sessions() as session:
            found = await drafts.load(session, live_bot.services.secret, user_id, live_bot.services.clock())
        return found is not None and found.submission is None and "survey" not in found.state

    await eventually(drafted_no_response, "the finished draft to keep no answers")
