"""A real `kentbot run` process killed with SIGKILL half-way through an update: Telegram had
not been told the update was handled, delivers it again, and it is applied exactly once.

The update killed mid-way is a tick in a multiple-choice question: applied twice it would untick
the box, applied never it would leave it empty, so the stored answer shows how often it counted.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from scale_support import (
    SECRET,
    emulator,
    environment,
    finish_after_the_services,
    has_button,
    reach_the_services_question,
)
from sqlalchemy import func, select, text

from devtools.emulator import EmulatorClient, SimulatedUser
from storage.models import Answer, Conversation, Response
from storage.pseudonyms import citizen_key

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "webhook-secret_42"
# Telegram tries a webhook again after 1 s, doubling up to a minute, for a day: enough for a
# restart, with the waits shortened for the test.
WEBHOOK_RETRIES = {"webhook_attempts": 10_000, "webhook_retry_delay": 0.1, "webhook_max_retry_delay": 0.5}


class Worker:
    """One `kentbot run` process, its output in a file the failure messages quote."""

    def __init__(self, args: list[str], env: dict[str, str], tmp_path: Path) -> None:
        self.log = tmp_path / "worker.log"
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *args],
                cwd=tmp_path,
                env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env},
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def alive(self) -> None:
        assert self.process.poll() is None, f"the worker exited with {self.process.returncode}:\n{self.output()}"

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait, 30)  # off the loop: the emulator answers on it

    async def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.process.wait, 30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                await asyncio.to_thread(self.process.wait, 30)
        return self.process.returncode


async def wait_until(condition: Callable[[], Awaitable[bool]], what: str, worker: Worker | None = None, timeout: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if worker is not None:
            worker.alive()
        assert loop.time() < deadline, f"timed out waiting for {what}" + (f":\n{worker.output()}" if worker else "")
        await asyncio.sleep(0.05)


async def metric(client: EmulatorClient, name: str) -> Any:
    return (await client.metrics())[name]


async def handed_out(client: EmulatorClient, update_id: int) -> int:
    return int((await metric(client, "update_deliveries")).get(str(update_id), 0))


async def called(client: EmulatorClient, method: str) -> int:
    return int((await metric(client, "method_calls")).get(method, 0))


async def press(client: EmulatorClient, user: SimulatedUser, button: str) -> int:
    """Press a button on the person's latest keyboard; the update's id."""
    return int((await client.press(user.user_id, {"button_text": button}))["update_id"])


async def hold_the_next_tick(client: EmulatorClient) -> None:
    """Telegram holds its answer to the next keyboard edit, so the turn that ticks a box
    stops half-way, until the faults are cleared."""
    await client.set_faults(mode="hang", next_n=1, methods=["editmessagereplymarkup"])


async def ticked_box_is_held(client: EmulatorClient) -> bool:
    return await metric(client, "faults_injected") >= 1


async def services_answers(db) -> list[list[str]]:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        values = (await session.execute(select(Answer.value).where(Answer.question_id == "services"))).scalars()
        return sorted(values)


async def responses(db) -> int:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Response))).scalar_one()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_polling_an_update_fetched_but_not_applied_at_a_kill_is_applied_once_after_the_restart(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        env = environment(db.url, client.base_url, tmp_path)
        worker = Worker(["run"], env, tmp_path)
        try:
            await wait_until(lambda: _more(called(client, "getUpdates"), 0), "the worker to poll", worker)
            ayse = SimulatedUser(client, 9201, "Ayşe", "tr")
            await reach_the_services_question(ayse)
            await hold_the_next_tick(client)
            tick = await press(client, ayse, "☐ Ulaşım")
            await wait_until(lambda: ticked_box_is_held(client), "the tick to be half-way", worker)
            await worker.kill()
            await client.clear_faults()

            # Telegram was never told: the update is still waiting for the bot.
            assert tick in await metric(client, "pending_updates")
            before = await handed_out(client, tick)
            worker = Worker(["run"], env, tmp_path)
            await wait_until(lambda: _gone(client, tick), "the restarted worker to apply the update", worker)
            assert await handed_out(client, tick) > before
            await finish_after_the_services(ayse)
        finally:
            await worker.stop()
    assert await services_answers(db) == [["transport"]]
    assert await responses(db) == 1


async def test_a_webhook_worker_killed_mid_update_gets_no_200_and_the_update_is_applied_once_after_the_restart(db, tmp_path) -> None:
    port = free_port()
    async with emulator(global_rate=0, per_chat_rate=0, **WEBHOOK_RETRIES) as client:
        env = environment(
            db.url, client.base_url, tmp_path,
            KENTBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}", KENTBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
            KENTBOT_WEBHOOK_LISTEN="127.0.0.1", KENTBOT_WEBHOOK_PORT=str(port),
        )
        worker = Worker(["run", "--webhook"], env, tmp_path)
        try:
            await wait_until(lambda: _more(called(client, "setWebhook"), 0), "the worker to set its webhook", worker)
            ayse = SimulatedUser(client, 9202, "Ayşe", "tr")
            await reach_the_services_question(ayse)
            await hold_the_next_tick(client)
            tick = await press(client, ayse, "☐ Ulaşım")
            await wait_until(lambda: ticked_box_is_held(client), "the tick to be half-way", worker)
            # Half-way through the update, the worker has not answered Telegram's request.
            assert tick in await metric(client, "pending_updates")
            assert await metric(client, "webhook_failures") == 0
            await worker.kill()
            await client.clear_faults()
            await wait_until(lambda: _more(metric(client, "webhook_failures"), 0), "Telegram to see the connection close")

            sets = await called(client, "setWebhook")
            worker = Worker(["run", "--webhook"], env, tmp_path)
            await wait_until(lambda: _gone(client, tick), "the update to reach the restarted worker", worker)
            assert await called(client, "setWebhook") > sets
            assert await handed_out(client, tick) >= 2
            await finish_after_the_services(ayse)
        finally:
            await worker.stop()
    assert await services_answers(db) == [["transport"]]
    assert await responses(db) == 1


async def test_polling_confirms_no_update_past_one_still_being_applied(postgres_db, tmp_path) -> None:
    """Bora's update, applied while Ayşe's earlier one waits, is not confirmed before hers: a
    kill then brings both again, Ayşe's is applied once, Bora's has no second effect."""
    db = postgres_db
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        env = environment(db.url, client.base_url, tmp_path)
        worker = Worker(["run"], env, tmp_path)
        try:
            await wait_until(lambda: _more(called(client, "getUpdates"), 0), "the worker to poll", worker)
            ayse, bora = SimulatedUser(client, 9301, "Ayşe", "tr"), SimulatedUser(client, 9302, "Bora", "tr")
            await reach_the_services_question(ayse)
            await reach_the_services_question(bora)
            async with db.engine.connect() as holder:
                # Ayşe's turn waits for her conversation, which this transaction holds.
                await holder.begin()
                await holder.execute(
                    text("SELECT 1 FROM conversations WHERE citizen_key = :key FOR UPDATE"),
                    {"key": citizen_key(SECRET.encode(), ayse.user_id)},
                )
                first = await press(client, ayse, "☐ Ulaşım")
                await wait_until(lambda: _waiting_for_a_lock(db), "Ayşe's turn to wait", worker)
                second = await press(client, bora, "☐ Fizik tedavi")
                await wait_until(lambda: _applied(db, bora.user_id, second), "Bora's turn to be applied", worker)
                assert set(await metric(client, "pending_updates")) == {first, second}
                await worker.kill()
                await holder.rollback()
            before = {update: await handed_out(client, update) for update in (first, second)}
            worker = Worker(["run"], env, tmp_path)
            await wait_until(lambda: _none_pending(client), "the restarted worker to apply both", worker)
            for update, count in before.items():
                assert await handed_out(client, update) > count
            await finish_after_the_services(ayse)
            await finish_after_the_services(bora)
        finally:
            await worker.stop()
    assert await services_answers(db) == [["physiotherapy"], ["transport"]]


async def _more(count: Awaitable[int], than: int) -> bool:
    return await count > than


async def _gone(client: EmulatorClient, update_id: int) -> bool:
    return update_id not in await metric(client, "pending_updates")


async def _none_pending(client: EmulatorClient) -> bool:
    return not await metric(client, "pending_updates")


async def _waiting_for_a_lock(db) -> bool:  # type: ignore[no-untyped-def]
    async with db.engine.connect() as connection:
        waiting = await connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
        )
        return waiting.scalar_one() > 0


async def _applied(db, user_id: int, update_id: int) -> bool:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        applied = await session.scalar(
            select(Conversation.applied_updates).where(Conversation.citizen_key == citizen_key(SECRET.encode(), user_id))
        )
    return update_id in (applied or [])


async def test_an_applied_update_telegram_delivers_again_has_no_second_effect(webhook_bot, db) -> None:
    """As when a worker's 200 was lost on its way: Telegram sends the same update again."""
    client = webhook_bot.emulator
    ayse = webhook_bot.citizen(9401)
    await reach_the_services_question(ayse)
    tick = await press(client, ayse, "☐ Ulaşım")
    await ayse.wait_for(has_button("☑ Ulaşım"), timeout=15)
    await wait_until(lambda: _gone(client, tick), "the tick to be acknowledged")
    shown = await ayse.chat()

    await client.inject_update(await client.update(tick))
    await wait_until(lambda: _gone(client, tick), "the same update to be delivered again")
    assert await handed_out(client, tick) == 2 and await metric(client, "webhook_deliveries") >= 2
    assert await ayse.chat() == shown  # no message, no edit: the box stays ticked
    await finish_after_the_services(ayse)
    assert await services_answers(db) == [["transport"]]


async def test_sigterm_lets_the_update_being_applied_finish_and_confirms_it(db, tmp_path) -> None:
    async with emulator(global_rate=0, per_chat_rate=0) as client:
        env = environment(db.url, client.base_url, tmp_path)
        worker = Worker(["run"], env, tmp_path)
        try:
            await wait_until(lambda: _more(called(client, "getUpdates"), 0), "the worker to poll", worker)
            ayse = SimulatedUser(client, 9501, "Ayşe", "tr")
            await reach_the_services_question(ayse)
            await hold_the_next_tick(client)
            tick = await press(client, ayse, "☐ Ulaşım")
            await wait_until(lambda: ticked_box_is_held(client), "the tick to be half-way", worker)
            worker.process.send_signal(signal.SIGTERM)

            async def draining() -> bool:
                return "waiting for 1 updates being applied" in worker.output()

            await wait_until(draining, "the worker to wait for the update", worker)
            await client.clear_faults()  # Telegram answers at last (an error; the turn tries again)
            assert await asyncio.to_thread(worker.process.wait, 60) == 0, worker.output()
            assert tick not in await metric(client, "pending_updates")
            await ayse.wait_for(has_button("☑ Ulaşım"), timeout=15)
            delivered = await handed_out(client, tick)

            worker = Worker(["run"], env, tmp_path)
            await finish_after_the_services(ayse)
            assert await handed_out(client, tick) == delivered
        finally:
            await worker.stop()
    assert await services_answers(db) == [["transport"]]
