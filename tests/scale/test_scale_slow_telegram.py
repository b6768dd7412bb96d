"""Many people at once while Telegram is slow to answer: on SQLite every transaction writes and
one writer goes at a time, so their transactions must queue in the process, not race in SQLite's
busy handler until one gives up with "database is locked"."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select

from bot.app import build_application, post_init
from bot.services import build_services
from storage import database
from storage.models import ChatTrail, Conversation
from tests.conftest import BOT_TOKEN, InProcessBot, make_settings
from tests.support.inprocess_bot_api import InProcessBotApi

PEOPLE = 6
LATENCY = 0.25  # each Bot API call; a /start sends one message after its transaction


async def test_people_starting_at_once_while_telegram_is_slow_all_get_an_answer(db, tmp_path, monkeypatch, caplog) -> None:
    # A busy timeout shorter than one turn: any wait left to SQLite's busy handler fails.
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.05)
    services = build_services(make_settings(db, "http://in-process.invalid", tmp_path))
    api = InProcessBotApi()
    application = build_application(services, BOT_TOKEN, request=api)
    async with application:
        await post_init(application)
        bot = InProcessBot(application, api, services)
        api.latency = LATENCY
        people = range(9101, 9101 + PEOPLE)
        with caplog.at_level(logging.ERROR):
            await asyncio.gather(*(bot.feed(bot.message_update(user, "/start")) for user in people))
    await services.close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert sorted(int(call.params["chat_id"]) for call in api.calls if call.method == "sendMessage") == list(people)
    async with db.sessions() as session:
        conversations = (await session.execute(select(Conversation.state))).scalars().all()
        trails = (await session.execute(select(ChatTrail.message_ids))).scalars().all()
    # Every turn committed: before consent only the chat trail (the ids of /start and of the
    # language screen) is kept, not a conversation.
    assert conversations == [] and [len(ids) for ids in trails] == [2] * PEOPLE

