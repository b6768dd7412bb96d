"""The real bot as its own process (`python -m bot.cli run`), polling the emulator, to be killed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from devtools.emulator import EmulatorClient, SimulatedUser

TOKEN = "123456789:kentbot-test-token"


def has_buttons(message: dict[str, Any]) -> bool:
    return bool((message.get("reply_markup") or {}).get("inline_keyboard"))


def live(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m for m in messages if has_buttons(m)][-1]


async def press_and_wait(user: SimulatedUser, data: str, expect: str) -> dict[str, Any]:
    """Press `data` on the newest message with buttons; wait for a newer message saying `expect`."""
    message = live(await user.bot_messages())
    await user.press(callback_data=data, message_id=message["message_id"])
    return await user.wait_for(lambda m: m["message_id"] > message["message_id"] and expect in (m["text"] or ""), timeout=30)


async def press_and_settle(user: SimulatedUser, data: str, expect: str) -> dict[str, Any]:
    """Like `press_and_wait`, and also wait for the turn's last Bot API calls: the edit of the
    pressed message (it goes alongside the new ones) and the button's answer (it comes after
    them). Then a fault set next cannot catch a call of this turn instead of the next one's."""
    message = live(await user.bot_messages())
    query_id = await user.press(callback_data=data, message_id=message["message_id"])
    shown = await user.wait_for(lambda m: m["message_id"] > message["message_id"] and expect in (m["text"] or ""), timeout=30)
    await user.wait_for(lambda m: m["message_id"] == message["message_id"] and m["edited"], timeout=30)
    for _ in range(600):
        if any(q["id"] == query_id and q["answered"] for q in await user.callback_queries()):
            return shown
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the button {data} was never answered")


class BotProcess:
    """Start, SIGKILL and start again one bot process on `database_url`."""

    def __init__(self, emulator: EmulatorClient, database_url: str, data_dir: Path) -> None:
        self.emulator, self.database_url, self.data_dir = emulator, database_url, data_dir
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        """Start the bot and wait until it polls (its first getUpdates after this call)."""
        calls = (await self.emulator.metrics())["method_calls"].get("getUpdates", 0)
        environment = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.emulator.base_url,
            "DATABASE_URL": self.database_url,
            "KENTBOT_SECRET": "test-secret-0123456789abcdef",
            "KENTBOT_DATA_DIR": str(self.data_dir),
            "KENTBOT_REPLY_RATE": "0",
        }
        log = (self.data_dir / "bot.log").open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=environment, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(2400):
            if (await self.emulator.metrics())["method_calls"].get("getUpdates", 0) > calls:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}; see {self.data_dir / 'bot.log'}")
            await asyncio.sleep(0.05)
        raise TimeoutError("the bot did not start polling")

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no last transaction, nothing flushed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        # Off the event loop: the emulator runs on it and must keep answering meanwhile.
        await asyncio.to_thread(self.process.wait, 30)

    async def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.process.wait, 15)
        except subprocess.TimeoutExpired:
            self.process.kill()
