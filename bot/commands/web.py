"""`kentbot web`: the public pages, the staff's web panel under /panel/ and /healthz, served
until SIGINT or SIGTERM (requests in progress finish first).

SIGHUP tells the process the figures changed (after `kentbot plan set`, say): the next request
recomputes them instead of waiting for the minute to pass.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from starlette.routing import Route

from bot.commands.reports import fail
from bot.config import Settings
from bot.services import build_services
from bot.web.app import create_web_app
from bot.web.health import health_routes
from bot.web.panel import panel_routes
from bot.web.public import public_mount
from bot.web.server import listening_socket, serving
from storage.migrate import is_up_to_date

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 5.0


async def serve(settings: Settings, host: str, port: int, year: int | None) -> int:
    services = build_services(settings)
    try:
        if not await is_up_to_date(services.engine):
            return fail("the database schema is not up to date: run `kentbot db upgrade`")
        try:
            sock = listening_socket(host, port)
        except OSError as error:
            return fail(f"cannot listen on {host}:{port}: {os.strerror(error.errno) if error.errno else error}")
        mount, cache = public_mount(services, year)
        healthz = [route for route in health_routes(services) if isinstance(route, Route) and route.path == "/healthz"]
        app = create_web_app([*healthz, *panel_routes(services, cache, year), mount])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, cache.changed)
        async with serving(app, sock, grace=SHUTDOWN_GRACE) as server:
            log.info("serving the public pages on http://%s:%s/", host, sock.getsockname()[1])
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait((stopped, server), return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
        log.info("stopped serving the public pages")
        return 0
    finally:
        await services.close()
