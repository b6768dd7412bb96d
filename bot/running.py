"""Running modes: long polling for a pilot, a webhook server for workers behind a proxy.

In both, an update is acknowledged to Telegram only once it is applied (`bot/updates/`,
`bot/web/telegram_webhook.py`), so a process killed at any moment loses nothing: Telegram
delivers again what it had not finished. SIGTERM or SIGINT stops taking updates, lets the ones
being applied finish (at most `SHUTDOWN_GRACE` seconds; the rest come again after a restart),
stops the jobs and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator

from starlette.routing import BaseRoute
from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import NotMigrated, build_application, post_init
from bot.config import ConfigError, Settings
from bot.services import build_services
from bot.survey_fit import check_surveys
from bot.updates.polling import Poller
from bot.web.app import create_web_app
from bot.web.health import health_routes
from bot.web.panel import panel_routes
from bot.web.public import public_mount
from bot.web.server import listening_socket, serving
from bot.web.telegram_webhook import WEBHOOK_PATH, telegram_webhook_route
from storage.repositories.surveys import DefinitionChanged

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 10.0
SHUTDOWN_GRACE = 15.0
WEBHOOK_MAX_CONNECTIONS = 40  # Telegram's default: this many updates of different chats at once

__all__ = ["WEBHOOK_PATH", "StartupError", "run"]


class StartupError(Exception):
    """Start-up cannot go on; the message is what the operator sees, one line per problem."""


def _stop_on_signals() -> asyncio.Event:
    """Set by the first SIGTERM or SIGINT."""
    stop = asyncio.Event()

    def stopping(signum: int) -> None:
        log.info("%s: taking no more updates, finishing the ones being applied", signal.Signals(signum).name)
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping, signum)
    return stop


def run(settings: Settings, *, webhook: bool) -> None:
    """Serve until stopped. Raises StartupError for a missing or rejected token, an unreachable
    Bot API, an old schema, a survey that is changed or does not fit the plan, the centres or the
    other links, or a webhook port that cannot be used."""
    token = settings.telegram_bot_token
    if not token:
        raise StartupError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it")
    if webhook and not (settings.webhook_url and settings.webhook_secret):
        raise StartupError("webhook mode needs KENTBOT_WEBHOOK_URL and KENTBOT_WEBHOOK_SECRET")
    try:
        settings.require_notice()
    except ConfigError as error:
        raise StartupError(str(error)) from None
    problems, _ = check_surveys()
    if problems:
        raise StartupError("\n".join(problems))
    try:
        asyncio.run(_serve(settings, webhook=webhook))
    except InvalidToken as error:
        raise StartupError(f"TELEGRAM_BOT_TOKEN was rejected by {settings.telegram_api_base_url}: {error.message}") from None
    except (NotMigrated, DefinitionChanged) as error:
        raise StartupError(str(error)) from None
    except NetworkError as error:
        raise StartupError(f"cannot reach the Bot API at {settings.telegram_api_base_url}: {error.message}") from None
    except ConfigError as error:
        raise StartupError(str(error)) from None


async def _serve(settings: Settings, *, webhook: bool) -> None:
    stop = _stop_on_signals()
    services = build_services(settings)
    # No python-telegram-bot Updater: it would acknowledge updates before they are applied.
    application = build_application(services, settings.telegram_bot_token or "")
    try:
        await application.initialize()  # getMe: a rejected token or an unreachable Bot API stops here
        try:
            await post_init(application)
            if stop.is_set():
                return
            await application.start()  # the jobs
            try:
                if webhook:
                    await _serve_webhook(application, settings, stop)
                else:
                    async with _serving_health(application, settings):
                        await _poll(application, stop)
            finally:
                await application.stop()
        finally:
            await application.shutdown()
    finally:
        await services.close()


async def _poll(application: Application, stop: asyncio.Event) -> None:
    await application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
    poller = Poller(application, allowed_updates=Update.ALL_TYPES, timeout=LONG_POLL_SECONDS)
    log.info("polling for updates")
    await poller.run(stop, grace=SHUTDOWN_GRACE)


def _listening(host: str, port: int, variables: str) -> socket.socket:
    try:
        return listening_socket(host, port)
    except OSError as error:
        raise StartupError(
            f"cannot listen on {host}:{port} ({variables}): {os.strerror(error.errno) if error.errno else error}"
        ) from None


@contextlib.asynccontextmanager
async def _serving_health(application: Application, settings: Settings) -> AsyncIterator[None]:
    """/healthz and /metrics on their own port while polling, when KENTBOT_HEALTH_PORT is set."""
    if settings.health_port is None:
        yield
        return
    sock = _listening(settings.health_listen, settings.health_port, "KENTBOT_HEALTH_LISTEN, KENTBOT_HEALTH_PORT")
    async with serving(create_web_app(health_routes(application.bot_data["services"])), sock, grace=SHUTDOWN_GRACE):
        log.info("serving /healthz and /metrics on %s:%s", settings.health_listen, settings.health_port)
        yield


def webhook_routes(application: Application, settings: Settings) -> list[BaseRoute]:
    """The webhook, /healthz and /metrics, and the public pages with the web panel when
    KENTBOT_PUBLIC_PAGES is set, so one worker process serves them all."""
    services = application.bot_data["services"]
    routes: list[BaseRoute] = [telegram_webhook_route(application, settings.webhook_secret or ""), *health_routes(services)]
    if settings.public_pages:
        mount, cache = public_mount(services)
        routes += [*panel_routes(services, cache), mount]
    return routes


async def _serve_webhook(application: Application, settings: Settings, stop: asyncio.Event) -> None:
    sock = _listening(settings.webhook_listen, settings.webhook_port, "KENTBOT_WEBHOOK_LISTEN, KENTBOT_WEBHOOK_PORT")
    app = create_web_app(webhook_routes(application, settings))
    async with serving(app, sock, grace=SHUTDOWN_GRACE) as server:
        # Listening already: Telegram may send the first update as soon as the webhook is set.
        url = f"{(settings.webhook_url or '').rstrip('/')}/{WEBHOOK_PATH}"
        try:
            await application.bot.set_webhook(
                url=url, secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES, max_connections=WEBHOOK_MAX_CONNECTIONS,
            )
        except BadRequest as error:
            raise StartupError(
                f"Telegram refused the webhook {url} (KENTBOT_WEBHOOK_URL, KENTBOT_WEBHOOK_SECRET): {error.message}"
            ) from None
        log.info("serving the webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((stopped, server), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if server.done():
            server.result()  # the server failed: say why
