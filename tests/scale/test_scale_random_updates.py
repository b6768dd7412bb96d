"""10,000 seeded random updates through the real Application: text, commands, forged and
oversized buttons, every message kind, duplicated update ids, several people at once.
No exception may reach the error handler, and the database invariants must hold: one
response per person and period, no orphan answers, no overbooked event."""

from __future__ import annotations

import asyncio
import json
import random
import string
from collections import Counter
from datetime import timedelta
from typing import Any

from anonymous_pool import release_pool
from sqlalchemy import func, select
from telegram import Update

from storage.centres import load_centres
from storage.models import Answer, Event, ParticipationToken, Registration, Response
from storage.repositories import centres

UPDATES = 10_000
USERS = (6001, 6002, 6003, 6004, 6005)
COMMANDS = (
    "/start", "/start disability_centre", "/start disability_centre__buca-engelli", "/start women_support", "/start degerlendirme", "/start degerlendirme__konak-kadin",
    "/start ../../etc", "/start " + "x" * 70, "/language", "/help", "/cancel", "/forget", "/cikis", "/nope", "/start@kentbot_test_bot",
    "/events", "/events", "/uye",
)
CAPACITY = 2  # of the one event open for registration, fewer places than people
ALPHABET = string.ascii_letters + string.digits + " .,!?:_-/" + "çğıöşüÇĞİÖŞÜ" + "مرحبا" + "🙂👍"
KINDS = {
    "photo": {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
    "sticker": {"sticker": {"file_id": "s1", "file_unique_id": "u2", "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False}},
    "location": {"location": {"latitude": 38.42, "longitude": 27.14}},
    "contact": {"contact": {"phone_number": "+905551112233", "first_name": "Ayşe"}},
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 2}},
    "document": {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "a.pdf"}},
}


def live_buttons(bot: Any, chat_id: int) -> tuple[int, list[str]] | None:
    """The newest keyboard the bot showed this person, as they would see it."""
    for call in reversed(bot.api.calls):
        if call.method in ("sendMessage", "editMessageText") and int(call.params.get("chat_id", 0)) == chat_id:
            markup = call.params.get("reply_markup")
            if markup:
                markup = json.loads(markup) if isinstance(markup, str) else markup
                data = [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]
                if data:
                    return int(call.result["message_id"]), data
    return None


def random_text(rng: random.Random) -> str:
    length = rng.choice((1, 3, 12, 80, 600, 4096))
    text = "".join(rng.choice(ALPHABET) for _ in range(length))
    return text if text.strip() else "."


def random_update(bot: Any, rng: random.Random, seen: list[Update], event_id: int) -> Update:
    user = rng.choice(USERS)
    roll = rng.random()
    if seen and roll < 0.08:
        return rng.choice(seen)  # Telegram delivered it again
    if roll < 0.40:
        live = live_buttons(bot, user)
        if live is not None:
            message_id, data = live
            return bot.callback_update(user, rng.choice(data), message_id)
    if roll < 0.50:
        data = rng.choice((
            "a:" + "9" * 80, "s:no_such_survey", "l:xx", "c:maybe", "q:back", "zz:1", "", ":", "a:", "x:" + "ü" * 40,
            "f:yes", "t:" + rng.choice(string.ascii_lowercase), "s:women_support", "o:surveys",
            # The open event's Register, I agree and Cancel buttons, tapped by anyone at any time.
            f"v:reg.{event_id}", f"v:ok.{event_id}", f"v:ok.{event_id}", f"v:unreg.{event_id}",
        ))
        return bot.callback_update(user, data or "a", rng.randint(1, 10_000))
    if roll < 0.65:
        return bot.message_update(user, rng.choice(COMMANDS), language_code=rng.choice(("tr", "en", "ar", "de", None)))
    if roll < 0.80:
        return bot.message_update(user, random_text(rng))
    if roll < 0.92:
        return bot.message_update(user, None, extra=KINDS[rng.choice(list(KINDS))])
    if roll < 0.96:
        return bot.message_update(user, random_text(rng), edited=True)
    group = bot.message_update(user, "/start")
    return Update.de_json({**group.to_dict(), "message": {**group.message.to_dict(), "chat": {"id": -100123, "type": "supergroup", "title": "g"}}}, bot.application.bot)


async def test_random_updates_never_break_the_bot_or_the_data(inprocess_bot, db) -> None:
    errors: list[BaseException] = []

    async def record(update: object, context: Any) -> None:
        errors.append(context.error)

    inprocess_bot.application.add_error_handler(record)
    now = inprocess_bot.services.clock()
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        event = Event(centre_id="konak-kadin", type="women", title="Sohbet", starts_at=now + timedelta(days=2),
                      language="tr", status="published", capacity=CAPACITY, created_at=now)
        session.add(event)
        await session.flush()
        event_id = event.id
    rng = random.Random(20261125)
    seen: list[Update] = []
    for _ in range(UPDATES):
        update = random_update(inprocess_bot, rng, seen, event_id)
        seen.append(update)
        await inprocess_bot.feed(update)
    await asyncio.sleep(0)
    assert errors == [], f"{len(errors)} updates failed, first: {errors[0]!r}"

    async with db.sessions() as session:
        tokens = (await session.execute(select(func.count()).select_from(ParticipationToken))).scalar_one()
    await release_pool(inprocess_bot.services, expected=tokens)
    async with db.sessions() as session:
        twice = (await session.execute(
            select(Response.survey_id, Response.period, Response.respondent_key)
            .group_by(Response.survey_id, Response.period, Response.respondent_key)
            .having(func.count() > 1)
        )).all()
        orphans = (await session.execute(
            select(func.count()).select_from(Answer).where(~Answer.response_id.in_(select(Response.id)))
        )).scalar_one()
        responses = (await session.execute(select(func.count()).select_from(Response))).scalar_one()
        registrations = Counter((await session.execute(select(Registration.status))).scalars())
        anonymous = (await session.execute(
            select(func.count()).select_from(Response).where(Response.survey_id == "women_support")
        )).scalar_one()
    assert twice == [] and orphans == 0
    # The anonymous survey: one response per participation token, at most one token a person.
    assert 1 <= anonymous == tokens <= len(USERS)
    # More people asked for the event than it holds, and it was never overbooked.
    assert registrations["confirmed"] <= CAPACITY < sum(registrations.values())
    # The walk does finish surveys, so the invariants were tested on real responses.
    assert responses >= 1


async def test_a_forged_oversized_answer_button_changes_nothing_quietly(inprocess_bot) -> None:
    errors: list[BaseException] = []

    async def record(update: object, context: Any) -> None:
        errors.append(context.error)

    inprocess_bot.application.add_error_handler(record)
    await inprocess_bot.feed(inprocess_bot.message_update(USERS[0], "/start"))
    await inprocess_bot.feed(inprocess_bot.callback_update(USERS[0], "a:" + "9" * 80, 1))
    assert errors == []
