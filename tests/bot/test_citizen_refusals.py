"""Telegram refusing a turn's replies: handled by kind, never tried again, the state kept."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from storage.models import Person
from storage.pseudonyms import citizen_key
from tests.bot.test_citizen_inprocess import onboard_into_survey, stored_state

USER = 4301


async def _member(bot, db, user_id: int) -> None:  # type: ignore[no-untyped-def]
    """Someone who registered for something identified, so campaigns and notices can reach them."""
    async with db.sessions.begin() as session:
        session.add(Person(
            citizen_key=citizen_key(bot.services.secret, user_id), telegram_user_id=user_id, display_name="Ayşe",
            language="tr", created_at=datetime.now(timezone.utc),
        ))


def _calls(bot, user_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [call.method for call in bot.api.calls if int(call.params.get("chat_id", 0) or 0) == user_id]


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_by_the_refused_reply(inprocess_bot, db) -> None:
    question = await onboard_into_survey(inprocess_bot, USER)
    await _member(inprocess_bot, db, USER)
    inprocess_bot.api.blocked.add(USER)
    before = len(_calls(inprocess_bot, USER))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "a:carer", question["message_id"]))

    # The answer is kept; the next question was refused once and not tried again.
    state = await stored_state(inprocess_bot, db, USER)
    assert state["survey"]["answers"]["role"] == "carer" and state["survey"]["current"] != "role"
    assert _calls(inprocess_bot, USER)[before:].count("sendMessage") == 1
    async with db.sessions() as session:
        person = (await session.execute(select(Person))).scalar_one()
    assert person.unreachable_at is not None


async def test_a_refused_message_is_not_tried_again(inprocess_bot, db) -> None:
    """A refusal ("chat not found") will be refused again: no second try, no pause."""
    question = await onboard_into_survey(inprocess_bot, USER + 1)
    inprocess_bot.api.unknown.add(USER + 1)
    before = len(_calls(inprocess_bot, USER + 1))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER + 1, "a:carer", question["message_id"]))
    assert _calls(inprocess_bot, USER + 1)[before:].count("sendMessage") == 1
    state = await stored_state(inprocess_bot, db, USER + 1)
    assert state["survey"]["answers"]["role"] == "carer" and state["live_unrecorded"] is True


async def test_flood_control_is_left_to_the_rate_limiter_and_the_rest_is_dropped(inprocess_bot, db) -> None:
    """429: python-telegram-bot's rate limiter waits as told and tries twice more; then the turn
    drops the rest of its sending (no button answer after it), and the answer is kept."""
    question = await onboard_into_survey(inprocess_bot, USER + 2)
    inprocess_bot.api.flooded.add(USER + 2)
    before = len(inprocess_bot.api.calls)
    await inprocess_bot.feed(inprocess_bot.callback_update(USER + 2, "a:carer", question["message_id"]))
    made = [call.method for call in inprocess_bot.api.calls[before:]]
    assert made.count("sendMessage") == 3 and "answerCallbackQuery" not in made
    state = await stored_state(inprocess_bot, db, USER + 2)
    assert state["survey"]["answers"]["role"] == "carer" and state["live_unrecorded"] is True
