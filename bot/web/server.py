"""Serving the web application with uvicorn inside the bot's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: `bot.running` owns SIGTERM and SIGINT for the
    whole process and stops the server itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound and listening; raises OSError (port taken, address not ours) before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, sock: socket.socket, *, grace: float) -> AsyncIterator[asyncio.Task[None]]:
    """Serve `app` on `sock` until the block ends; then stop taking connections and let the
    requests in progress finish, for at most `grace` seconds. Yields the serving task, which
    ends early only if the server fails."""
    config = uvicorn.Config(
        app, lifespan="off", log_config=None, access_log=False, server_header=False,
        timeout_graceful_shutdown=int(grace),
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="web-server")
    try:
        yield task
    finally:
        server.should_exit = True
        await task
