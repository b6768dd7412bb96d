"""The guard that fails any test in which Telegram is called while a database connection is held."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from telegram import Bot

from bot import connection_guard
from bot.connection_guard import ConnectionHeld, GuardedRequest, connections_held
from tests.conftest import BOT_TOKEN
from tests.support.inprocess_bot_api import InProcessBotApi


@pytest.fixture
def noted(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """This test's own record of refused calls, apart from the suite's."""
    path = tmp_path / "held.log"
    path.touch()
    monkeypatch.setenv(connection_guard.ENVIRONMENT_VARIABLE, str(path))
    return path


async def test_a_telegram_call_made_holding_a_connection_is_refused_and_noted(db, noted) -> None:
    api = InProcessBotApi()
    async with Bot(BOT_TOKEN, request=GuardedRequest(api)) as bot:
        async with db.sessions.begin() as session:
            await session.execute(text("SELECT 1"))
            assert connections_held() == 1
            with pytest.raises(ConnectionHeld):
                await bot.send_message(42, "inside a transaction")
        assert connections_held() == 0
        await bot.send_message(42, "after the commit")
    assert [call.params["text"] for call in api.calls if call.method == "sendMessage"] == ["after the commit"]
    assert noted.read_text().startswith("sendMessage called while task")


async def test_only_the_task_holding_the_connection_is_refused(db, noted) -> None:
    """Another task's connection is not this task's business: on PostgreSQL other people's
    turns hold theirs while this one talks to Telegram."""
    api = InProcessBotApi()
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.sessions() as session:
            await session.execute(text("SELECT 1"))
            holding.set()
            await done.wait()

    async with Bot(BOT_TOKEN, request=GuardedRequest(api)) as bot:
        holder = asyncio.create_task(hold())
        await holding.wait()
        await bot.send_message(42, "from a task holding nothing")
        done.set()
        await holder
    assert noted.read_text() == ""
    assert connections_held() == 0
