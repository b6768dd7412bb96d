"""Webhook mode: updates are POSTed to the bot with its secret, and polling is refused meanwhile."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from devtools.emulator import EmulatorClient, SimulatedUser

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


class HoldingReceiver:
    """A webhook endpoint that answers each request only when the test says so."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[str, asyncio.Future[int]]] = asyncio.Queue()

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self.received.put((update["message"]["text"], answer))
        return web.Response(status=await answer)


async def serve_on(handler: Callable[[web.Request], Awaitable[web.StreamResponse]], port: int = 0) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    host, bound = runner.addresses[0][:2]
    return runner, f"http://{host}:{bound}/hook"


async def test_webhook_keeps_each_chats_order_and_serves_chats_in_parallel(
    start: StartEmulator, token: str
) -> None:
    emulator = await start()
    receiver = HoldingReceiver()
    runner, url = await serve_on(receiver.handle)
    try:
        ayse, bora, cem = (SimulatedUser(emulator, i, name) for i, name in ((1001, "Ayşe"), (1002, "Bora"), (1003, "Cem")))
        for user, text in ((ayse, "a1"), (ayse, "a2"), (bora, "b1"), (cem, "c1")):
            await user.send(text)
        async with Bot(token, base_url=emulator.bot_base_url) as bot:
            await bot.set_webhook(url, max_connections=2)
        first = [await asyncio.wait_for(receiver.received.get(), 5) for _ in range(2)]
        # Two connections: Ayşe's first and Bora's go at once; Ayşe's second waits for her
        # first to be answered, and Cem's for a free connection.
        assert sorted(text for text, _ in first) == ["a1", "b1"]
        delivered = (await emulator.metrics())["update_deliveries"]
        assert sorted(delivered.values()) == [1, 1] and receiver.received.empty()
        answers = dict(first)
        answers["a1"].set_result(200)
        text, answer = await asyncio.wait_for(receiver.received.get(), 5)
        assert text == "a2"
        answer.set_result(200)
        answers["b1"].set_result(200)
        text, answer = await asyncio.wait_for(receiver.received.get(), 5)
        assert text == "c1"
        answer.set_result(200)
        while (await emulator.metrics())["pending_updates"]:
            await asyncio.sleep(0.02)
    finally:
        await runner.cleanup()


async def test_webhook_tries_again_when_the_connection_closes_without_an_answer(
    start: StartEmulator, token: str
) -> None:
    emulator = await start(webhook_attempts=5, webhook_retry_delay=0.01)
    seen: list[int] = []

    async def dies_once(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append(update["update_id"])
        if len(seen) == 1:
            assert request.transport is not None
            request.transport.close()  # like a worker killed while it applied the update
        return web.Response(text="ok")

    runner, url = await serve_on(dies_once)
    try:
        async with Bot(token, base_url=emulator.bot_base_url) as bot:
            await bot.set_webhook(url)
            citizen = SimulatedUser(emulator, 1001, "Ayşe")
            await citizen.send("merhaba")
            while (await emulator.metrics())["pending_updates"]:
                await asyncio.sleep(0.02)
            info = await bot.get_webhook_info()
        assert len(seen) == 2 and seen[0] == seen[1]
        assert "Connection failed" in (info.last_error_message or "")
        metrics = await emulator.metrics()
        assert (metrics["webhook_deliveries"], metrics["webhook_failures"]) == (1, 1)
        assert metrics["update_deliveries"] == {str(seen[0]): 2}
    finally:
        await runner.cleanup()


async def test_webhook_reaches_a_bot_that_comes_back_on_its_port(
    start: StartEmulator, token: str
) -> None:
    emulator = await start(webhook_attempts=100, webhook_retry_delay=0.01, webhook_max_retry_delay=0.05)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Bot(token, base_url=emulator.bot_base_url) as bot:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        await SimulatedUser(emulator, 1001, "Ayşe").send("kimse yok mu")
        while (await emulator.metrics())["webhook_failures"] < 3:
            await asyncio.sleep(0.02)
        receiver = Receiver()
        runner, _ = await serve_on(receiver.handle, port)
        try:
            _, update = await asyncio.wait_for(receiver.received.get(), 5)
        finally:
            await runner.cleanup()
    assert update["message"]["text"] == "kimse yok mu"


async def test_setting_the_same_webhook_again_changes_nothing(start: StartEmulator, token: str) -> None:
    """As Telegram ("Webhook is already set"): a restarted worker that sets it again gets the
    update under way once, not once more from the start."""
    emulator = await start(webhook_attempts=100, webhook_retry_delay=0.01, webhook_max_retry_delay=0.05)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    async with Bot(token, base_url=emulator.bot_base_url) as bot:
        await bot.set_webhook(url, secret_token="s3cret")
        await SimulatedUser(emulator, 1001, "Ayşe").send("merhaba")
        while (await emulator.metrics())["webhook_failures"] < 2:
            await asyncio.sleep(0.02)
        await bot.set_webhook(url, secret_token="s3cret")
        assert "Connection failed" in ((await bot.get_webhook_info()).last_error_message or "")
