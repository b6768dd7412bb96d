"""Webhook mode: updates are POSTed to the bot with its secret, and polling is refused meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import EmulatorClient, SimulatedUser

StartEmulator = Callable[..., Awaitable[EmulatorClient]]


class Receiver:
    """A tiny webhook endpoint that fails its first `failures` requests."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await self.received.put((secret, await request.json()))
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    hook.url = f"http://{host}:{port}/hook"
    yield hook
    await runner.cleanup()


async def test_webhook_delivers_with_secret_and_blocks_polling(
    start: StartEmulator, receiver: Receiver, token: str
) -> None:
    emulator = await start()
    citizen = SimulatedUser(emulator, 1001, "Ayşe")
    async with Bot(token, base_url=emulator.bot_base_url) as bot:
        assert await bot.set_webhook(receiver.url, secret_token="kent-s3cret")
        with pytest.raises(Conflict, match="(?i)webhook is active"):
            await bot.get_updates()
        await citizen.send("/start")
        secret, update = await asyncio.wait_for(receiver.received.get(), 3)
        assert secret == "kent-s3cret"
        assert update["message"]["text"] == "/start"
        assert (await bot.get_webhook_info()).url == receiver.url

        await bot.delete_webhook()
        await citizen.send("yine ben")
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["yine ben"]


async def test_webhook_retries_then_gives_up(
    start: StartEmulator, receiver: Receiver, token: str
) -> None:
    emulator = await start(webhook_attempts=3, webhook_retry_delay=0.01)
    citizen = SimulatedUser(emulator, 1001, "Ayşe")
    receiver.failures = 2
    async with Bot(token, base_url=emulator.bot_base_url) as bot:
        await bot.set_webhook(receiver.url)
        await citizen.send("ilk")
        _, update = await asyncio.wait_for(receiver.received.get(), 3)
        assert update["message"]["text"] == "ilk"

        receiver.failures = 3
        await citizen.send("kaybolacak")
        await citizen.send("son")
        _, update = await asyncio.wait_for(receiver.received.get(), 3)
        assert update["message"]["text"] == "son"
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0
        assert "500" in (info.last_error_message or "")
    metrics = await emulator.metrics()
    assert (metrics["webhook_deliveries"], metrics["webhook_failures"]) == (2, 5)
