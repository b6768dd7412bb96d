"""A real `kentbot run` worker is SIGKILLed while it drains the outbox: no message goes out twice,
and the ones it may have been sending are listed for a person to decide."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from scale_support import bot_for, emulator, enqueue_texts, environment, services_for, started_citizens
from sqlalchemy import select

from bot.outbox import Drainer, RateLimiter
from storage.models import OutboxMessage
from storage.repositories import outbox

REPO = Path(__file__).resolve().parents[2]


def kentbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def statuses_of(services) -> list[str]:  # type: ignore[no-untyped-def]
    async with services.sessions() as session:
        return list((await session.execute(select(OutboxMessage.status))).scalars())


async def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_a_worker_killed_mid_send_never_causes_a_second_delivery(db, tmp_path) -> None:
    chats = list(range(8001, 8121))
    async with emulator(global_rate=0, per_chat_rate=0, hang_seconds=2.0) as client:
        await started_citizens(client, chats)
        services = services_for(db, client, tmp_path)
        await enqueue_texts(services, chats)
        env = environment(db.url, client.base_url, tmp_path, KENTBOT_RATE_GLOBAL="40")
        worker = kentbot(["run"], env, tmp_path)
        try:
            async def some_sent() -> bool:
                return sum((await client.metrics())["messages_per_chat"].values()) >= 30

            await wait_until(some_sent, 30, "the worker to send")
            # Freeze the next sends inside the emulator, so the kill surely lands mid-send.
            await client.set_faults(mode="hang", next_n=2, methods=["sendmessage"])

            async def hanging() -> bool:
                return (await client.metrics())["faults_injected"] >= 1

            await wait_until(hanging, 10, "a send to hang")
            worker.send_signal(signal.SIGKILL)
            await asyncio.to_thread(worker.wait, 10)
        finally:
            if worker.poll() is None:
                worker.kill()
            output = worker.stdout.read() if worker.stdout else ""
        assert worker.returncode == -signal.SIGKILL, output
        await client.clear_faults()

        async with services.sessions() as session:
            counts = await outbox.count_by_status(session)
        assert counts.get(outbox.SENDING, 0) >= 1, counts
        # Leases run out (a minute for claims, two for sends); a later drainer finds them expired.
        later = services.clock() + timedelta(minutes=10)
        async with services.sessions.begin() as session:
            released, uncertain = await outbox.expire_leases(session, later)
        assert uncertain == counts[outbox.SENDING]
        # By then the killed worker's drain lease has run out too: another worker takes over.
        taking_over = replace(services, clock=lambda: later)

        async with bot_for(client) as bot:
            await Drainer(taking_over, bot, RateLimiter(200, 1), worker="successor").drain()
        delivered = {int(chat): n for chat, n in (await client.metrics())["messages_per_chat"].items()}
        async with services.sessions() as session:
            rows = {row.chat_id: row for row in (await session.execute(select(OutboxMessage))).scalars()}

        assert max(delivered.values()) == 1, "a message reached someone twice"
        assert {row.status for row in rows.values()} == {outbox.SENT, outbox.UNCERTAIN}
        assert all(delivered.get(chat) == 1 for chat, row in rows.items() if row.status == outbox.SENT)
        unsure = sorted(chat for chat, row in rows.items() if row.status == outbox.UNCERTAIN)
        # The hung sends never arrived; a send the kill cut after Telegram took it did.
        lost = [chat for chat in unsure if chat not in delivered]
        arrived = [chat for chat in unsure if chat in delivered]
        assert lost, "the sends frozen in the emulator should be among the uncertain"

        listing = kentbot(["outbox", "uncertain"], env, tmp_path)
        listed, _ = listing.communicate(timeout=60)
        assert listing.returncode == 0, listed
        assert all(f"\t{chat}\t" in listed for chat in unsure), listed
        # What a person does after checking the chats: send again what did not arrive, close the rest.
        for command, chats_ in (("release", lost), ("settle", arrived)):
            if chats_:
                decided = kentbot(["outbox", command, *(str(rows[chat].id) for chat in chats_)], env, tmp_path)
                answer, _ = decided.communicate(timeout=60)
                assert decided.returncode == 0, answer
        async with bot_for(client) as bot:
            await Drainer(taking_over, bot, RateLimiter(200, 1), worker="successor").drain()
        delivered = {int(chat): n for chat, n in (await client.metrics())["messages_per_chat"].items()}
        await services.close()
    assert delivered == {chat: 1 for chat in chats}
    assert set(await statuses_of(services)) == {outbox.SENT}
