"""Two `kentbot run --webhook` worker processes on one database get every update of the same
person at the same moment: each update has one effect and the person sees one consistent chat."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from scale_support import complete_disability_survey, emulator, environment
from sqlalchemy import func, select
from test_scale_crash import kentbot

from bot.web.telegram_webhook import WEBHOOK_PATH
from devtools.emulator import SimulatedUser
from storage.models import Answer, Conversation, ProcessedUpdate, Response

SECRET = "webhook-secret_42"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def fan_out(targets: list[str]) -> AsyncIterator[tuple[str, list[list[int]]]]:
    """A 'load balancer' that gives every update to all workers at once, not to one of them."""
    statuses: list[list[int]] = []

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {"Content-Type": "application/json", SECRET_HEADER: request.headers.get(SECRET_HEADER, "")}
        async with aiohttp.ClientSession() as session:

            async def post(url: str) -> int:
                async with session.post(url, data=body, headers=headers) as response:
                    return response.status

            statuses.append(list(await asyncio.gather(*(post(url) for url in targets))))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(f"/{WEBHOOK_PATH}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", statuses
    finally:
        await runner.cleanup()


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
        return response.status


async def wait_for_worker(url: str, worker: subprocess.Popen[str], timeout: float = 90.0) -> None:
    """Until the worker refuses a wrong secret; a worker that died says why."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if worker.poll() is not None:
            output = worker.stdout.read() if worker.stdout else ""
            raise AssertionError(f"webhook worker at {url} exited with {worker.returncode}:\n{output[-3000:]}")
        try:
            if await post_update(url, {"update_id": 1}, "wrong") == 403:
                return
        except aiohttp.ClientError:
            pass
        assert loop.time() < deadline, f"webhook worker at {url} did not start"
        await asyncio.sleep(0.2)


async def test_two_webhook_workers_apply_one_persons_updates_once(db, tmp_path) -> None:
    ports = [free_port(), free_port()]
    while ports[1] == ports[0]:
        ports[1] = free_port()
    urls = [f"http://127.0.0.1:{port}/{WEBHOOK_PATH}" for port in ports]
    async with emulator(global_rate=0, per_chat_rate=0) as client, fan_out(urls) as (balancer, statuses):
        workers = []
        try:
            for port in ports:
                env = environment(
                    db.url, client.base_url, tmp_path,
                    KENTBOT_WEBHOOK_URL=balancer, KENTBOT_WEBHOOK_SECRET=SECRET,
                    KENTBOT_WEBHOOK_LISTEN="127.0.0.1", KENTBOT_WEBHOOK_PORT=str(port),
                )
                workers.append(kentbot(["run", "--webhook"], env, tmp_path))
            for url, worker in zip(urls, workers):
                await wait_for_worker(url, worker)
            # A wrong or missing secret is refused before anything is read.
            assert await post_update(urls[0], {"update_id": 5, "message": {}}, "not-the-secret") == 403
            assert await post_update(urls[1], {"update_id": 6, "message": {}}, None) == 403

            ayse = SimulatedUser(client, 9101, "Ayşe", "tr")
            await complete_disability_survey(ayse)
            messages = await ayse.chat()
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                await asyncio.to_thread(worker.wait, 15)  # off the loop, where the emulator answers
    # Every update reached both workers at once, and both answered it successfully.
    assert len(statuses) >= 14 and all(pair == [200, 200] for pair in statuses)
    bot_texts = [m["text"] for m in messages if m["from"] == "bot"]
    assert sum("Hangi hizmeti" in (text or "") for text in bot_texts) == 1
    assert sum("Görüşleriniz bizim için değerli" in (text or "") for text in bot_texts) == 1
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Response))).scalar_one() == 1
        assert (await session.execute(select(func.count()).select_from(Answer))).scalar_one() >= 6
        # Each update id was noted once as applied: the first contact in the table, the rest
        # among the latest ones kept in the conversation.
        in_table = set((await session.execute(select(ProcessedUpdate.update_id))).scalars())
        applied = (await session.execute(select(Conversation.applied_updates))).scalar_one()
    assert len(applied) == len(set(applied)) and len(in_table | set(applied)) == len(statuses)
