"""A campaign to many emulated people, with the draining worker SIGKILLed half-way.

Run: `.venv/bin/python tests/benchmarks/campaign_kill.py [--people 10000]`. Prints one JSON line:
how many were delivered once, twice or not at all, how many the kill left uncertain, the
drain rate as a share of the cap, and the 429s received. It uses the real `kentbot invite` and
`kentbot run` processes, an SQLite database and the emulator with Telegram-like flood control.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert
from telegram import Bot

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from devtools.emulator import EmulatorClient
from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Membership, Person
from storage.repositories import centres, outbox

TOKEN = "123456789:kentbot-campaign-token"
RATE = 30
ROOT = Path(__file__).resolve().parents[2]


def kentbot(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def seed(url: str, people: int, now: datetime) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    alzheimer = next(c.id for c in load_centres() if c.type == "alzheimer_centre")
    async with session_factory(engine).begin() as session:
        await centres.sync(session, load_centres())
        await session.execute(insert(Person), [
            {"citizen_key": f"k{i}", "telegram_user_id": 100_000 + i, "display_name": f"Üye {i}", "language": "tr",
             "created_at": now} for i in range(people)])
        await session.execute(insert(Membership), [
            {"person_id": i + 1, "centre_id": alzheimer, "relation": "self", "member_name": f"Üye {i}",
             "identity_key": f"id{i}", "contact_preference": "telegram", "status": "approved",
             "approved_on": date(now.year, 1, 2), "created_at": now} for i in range(people)])
    await engine.dispose()


async def main(people: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="kentbot-campaign-"))
    url = f"sqlite+aiosqlite:///{folder / 'campaign.sqlite3'}"
    now = datetime.now(timezone.utc)
    await seed(url, people, now)
    emulator = subprocess.Popen([sys.executable, "-m", "devtools.emulator", "--port", "0", "--token", TOKEN,
                                 "--rate", str(RATE), "--per-chat", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    base = emulator.stdout.readline().decode().strip()  # type: ignore[union-attr]
    client = EmulatorClient(base)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base, "DATABASE_URL": url,
           "KENTBOT_SECRET": "campaign-secret-0123456789", "KENTBOT_DATA_DIR": str(folder),
           "KENTBOT_RATE_GLOBAL": str(RATE), "KENTBOT_BOT_USERNAME": "kentbot_emulator_bot",
           "KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE)}
    try:
        gate = asyncio.Semaphore(32)

        async def start(user_id: int) -> None:
            async with gate:
                await client.create_user(user_id, f"Üye {user_id}", language_code="tr")
                await client.send_message(user_id, {"text": "/start"})

        await asyncio.gather(*(start(100_000 + i) for i in range(people)))
        # Telegram lets a bot write only to people who started it; their /start updates are
        # dropped so that only the campaign is measured.
        async with Bot(TOKEN, base_url=client.bot_base_url) as bot:
            await bot.delete_webhook(drop_pending_updates=True)
        invite = kentbot(["invite", "--survey", "disability_centre", "--to", "members", "--since",
                          f"{now.year}-01-01"], env)
        assert invite.wait(600) == 0, "kentbot invite failed"

        async def delivered() -> int:
            return sum((await client.metrics())["messages_per_chat"].values())

        started = time.monotonic()
        worker = kentbot(["run"], env)
        while await delivered() < people // 2:
            await asyncio.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        killed_at = await delivered()
        worker = kentbot(["run"], env)
        engine = create_engine(url)
        sessions = session_factory(engine)
        idle_since = None
        while True:
            async with sessions() as session:
                counts = await outbox.count_by_status(session)
            waiting = counts.get(outbox.PENDING, 0) + counts.get(outbox.CLAIMED, 0)
            if waiting == 0:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 3:
                    break
            else:
                idle_since = None
            await asyncio.sleep(1)
        elapsed = time.monotonic() - started
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        async with sessions.begin() as session:
            await outbox.expire_leases(session, datetime.now(timezone.utc) + timedelta(minutes=10))
        async with sessions() as session:
            counts = await outbox.count_by_status(session)
        await engine.dispose()
        metrics = await client.metrics()
        # The drain rate while a worker runs: the first worker's sends, before the kill.
        times = sorted(send["at"] for send in metrics["sends"])[: max(killed_at, 2)]
        steady = (len(times) - 1) / (times[-1] - times[0]) if times[-1] > times[0] else 0.0
        per_chat = {chat: metrics["messages_per_chat"].get(str(chat), 0) for chat in range(100_000, 100_000 + people)}
        return {
            "people": people,
            "killed_after": killed_at,
            "delivered_once": sum(1 for n in per_chat.values() if n == 1),
            "delivered_twice_or_more": sum(1 for n in per_chat.values() if n > 1),
            "not_delivered": sum(1 for n in per_chat.values() if n == 0),
            "outbox": dict(counts),
            # Includes the wait for the killed worker's leases to run out (claims a minute).
            "seconds": round(elapsed, 1),
            "share_of_cap_while_draining": round(steady / RATE, 3),
            "too_many_requests": metrics["too_many_requests"],
        }
    finally:
        await client.aclose()
        emulator.terminate()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    print(json.dumps(asyncio.run(main(parser.parse_args().people))))
