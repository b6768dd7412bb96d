"""Wiring: one aiohttp application serving the Bot API and the simulation endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiohttp import web

from devtools.emulator.bot_api import BotApi
from devtools.emulator.clock import EmulatorClock
from devtools.emulator.config import EmulatorConfig
from devtools.emulator.faults import FaultInjector
from devtools.emulator.rate_limit import FloodControl
from devtools.emulator.sim_api import SimApi
from devtools.emulator.state import EmulatorState
from devtools.emulator.webhook import WebhookSender

_SENDER_KEY = web.AppKey("emulator_webhook_task", asyncio.Task)


def create_app(config: EmulatorConfig, clock: EmulatorClock | None = None) -> web.Application:
    """Build the emulator; `clock` lets a caller pin or move Telegram's notion of now."""
    state = EmulatorState(config, clock or EmulatorClock(), started_at=time.monotonic())
    faults = FaultInjector(config.seed)
    flood = FloodControl(config.global_rate, config.per_chat_rate, config.per_chat_burst)
    bot_api = BotApi(state, flood, faults)

    app = web.Application(client_max_size=config.max_upload_bytes + 1024 * 1024)
    app.add_routes(SimApi(state, faults).routes())
    app.add_routes(
        [
            web.route("*", "/bot{token}/{method}", bot_api.handle),
            web.get("/file/bot{token}/{path:.+}", bot_api.download),
        ]
    )

    async def start_webhook_sender(app: web.Application) -> None:
        app[_SENDER_KEY] = asyncio.create_task(WebhookSender(state).run())

    async def release_waiters(app: web.Application) -> None:
        """Long polls and hung requests must end, or shutdown would wait for them."""
        state.closing = True
        state.notify()
        faults.release_hung()

    async def stop_webhook_sender(app: web.Application) -> None:
        task = app[_SENDER_KEY]
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.on_startup.append(start_webhook_sender)
    app.on_shutdown.append(release_waiters)
    app.on_cleanup.append(stop_webhook_sender)
    return app


async def start_emulator(
    host: str, port: int, config: EmulatorConfig, clock: EmulatorClock | None = None
) -> tuple[web.AppRunner, str]:
    """Serve in the running loop; port 0 picks a free port; `await runner.cleanup()` stops."""
    runner = web.AppRunner(create_app(config, clock), shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    return runner, f"http://{bound_host}:{bound_port}"
