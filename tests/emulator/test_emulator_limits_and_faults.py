"""Flood control, metrics and injected failures surface as PTB's own exceptions."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import Awaitable, Callable

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from devtools.emulator import EmulatorClient, SimulatedUser

# PTB warns inside RetryAfter itself about the int-to-timedelta change of retry_after.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

StartEmulator = Callable[..., Awaitable[EmulatorClient]]


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


async def test_per_chat_flood_control_raises_retry_after(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    for number in range(3):
        await bot.send_message(1001, f"mesaj {number}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "bir fazla")
    assert seconds(caught.value.retry_after) == 1
    metrics = await emulator.metrics()
    assert metrics["too_many_requests"] == 1
    assert metrics["messages_per_chat"] == {"1001": 3}
    assert len(metrics["sends"]) == 3


async def test_global_flood_control_counts_all_chats(start: StartEmulator, token: str) -> None:
    emulator = await start(global_rate=4, per_chat_rate=0)
    users = [SimulatedUser(emulator, 5000 + n, f"Kişi {n}") for n in range(5)]
    for citizen in users:
        await citizen.send("/start")
    async with Bot(token, base_url=emulator.bot_base_url) as ptb_bot:
        for citizen in users[:4]:
            await ptb_bot.send_message(citizen.user_id, "duyuru")
        with pytest.raises(RetryAfter):
            await ptb_bot.send_message(users[4].user_id, "duyuru")
    sends = (await emulator.metrics())["sends"]
    assert [s["chat_id"] for s in sends] == [5000, 5001, 5002, 5003]
    assert sends[-1]["at"] - sends[0]["at"] < 1.0


async def test_next_requests_fail_with_server_error(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    await emulator.set_faults(next_n=1, methods=["sendMessage"])
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(1001, "ilk deneme")
    await bot.send_message(1001, "ikinci deneme")
    assert [m["text"] for m in await user.bot_messages()] == ["ikinci deneme"]
    assert (await emulator.metrics())["faults_injected"] == 1


async def test_hanging_request_times_out(bot: Bot, emulator: EmulatorClient) -> None:
    await emulator.set_faults(mode="hang", fraction=1.0, methods=["getMe"])
    with pytest.raises(TimedOut):
        await bot.get_me(read_timeout=0.3)
    await emulator.clear_faults()
    assert (await bot.get_me()).id == 123456789


async def test_a_burst_of_one_still_allows_the_first_send(start, token) -> None:
    from telegram import Bot

    from devtools.emulator import SimulatedUser

    emulator = await start(per_chat_rate=1, per_chat_burst=1)
    user = SimulatedUser(emulator, 4711, "Ayşe", "tr")
    await user.send("merhaba")
    async with Bot(token, base_url=emulator.bot_base_url, base_file_url=emulator.bot_base_file_url) as bot:
        await bot.send_message(4711, "ilk mesaj")
    assert (await emulator.metrics())["too_many_requests"] == 0


async def test_a_held_call_is_seen_in_flight_and_done_when_let_go(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    """`skip` lets the first call through; `hold` stalls the next one, shows it as held, and
    delivers it once the plan is cleared, as a slow Telegram would."""
    await emulator.set_faults(mode="hold", next_n=1, skip=1, methods=["sendMessage"])
    await bot.send_message(1001, "geçti")
    held = asyncio.create_task(bot.send_message(1001, "bekledi"))
    await emulator.wait_until_held("sendMessage")
    assert (await emulator.faults())["holding"] == {"sendmessage": 1}
    assert [m["text"] for m in await user.bot_messages()] == ["geçti"]
    await emulator.clear_faults()
    assert (await held).text == "bekledi"
    assert [m["text"] for m in await user.bot_messages()] == ["geçti", "bekledi"]
    assert (await emulator.faults())["holding"] == {}
