"""No database connection is held while the bot waits for Telegram.

A round trip to Telegram takes tens of milliseconds, or seconds when it is slow; a pooled
connection (on SQLite, the process's one writer) held meanwhile makes everyone else wait. So
every connection checked out of any SQLAlchemy pool is noted against the asyncio task that took
it, and every Bot API request asks whether its own task holds one.

A request made while holding one is logged as an error and goes ahead. With
`KENTBOT_CONNECTION_GUARD` set to a file (the test suite sets it, for the bot processes it
starts too) the request is refused instead and a line naming the method is appended to that
file, so a test fails whichever task made the call.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "KENTBOT_CONNECTION_GUARD"
_HOLDER = "kentbot_holder"
_held: dict[asyncio.Task[Any], int] = {}


class ConnectionHeld(RuntimeError):
    """A Telegram call was about to wait while its task held a database connection."""


def _task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: a synchronous use of the pool
        return None


@event.listens_for(Pool, "checkout")
def _checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    task = _task()
    if task is not None:
        record.info[_HOLDER] = task
        _held[task] = _held.get(task, 0) + 1


@event.listens_for(Pool, "checkin")
def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    # Returned by whichever task closes it (SQLAlchemy may close in a task of its own).
    task = record.info.pop(_HOLDER, None) if record is not None else None
    if task is None:
        return
    left = _held.get(task, 0) - 1
    if left > 0:
        _held[task] = left
    else:
        _held.pop(task, None)


def connections_held() -> int:
    """How many pooled connections the current task holds."""
    task = _task()
    return _held.get(task, 0) if task is not None else 0


def _check(url: str) -> None:
    if not _held or connections_held() == 0:
        return
    method = url.rsplit("/", 1)[-1]
    record_to = os.environ.get(ENVIRONMENT_VARIABLE)
    if not record_to:
        log.error("Telegram's %s was called while a database connection was held", method)
        return
    task = asyncio.current_task()
    with open(record_to, "a", encoding="utf-8") as violations:
        violations.write(f"{method} called while task {task.get_name() if task else '?'} held a database connection\n")
    raise ConnectionHeld(f"{method} called while a database connection was held")


class GuardedRequest(BaseRequest):
    """A Bot API request that first checks its task holds no database connection."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    # PTB marks post and retrieve final; this wrapper must override them to check first.
    async def post(  # type: ignore[misc, override]  # see the comment above
        self, url: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> Any:
        _check(url)
        return await self.inner.post(url, request_data, **timeouts)

    async def retrieve(self, url: str, **timeouts: Any) -> bytes:  # type: ignore[misc, override]  # as post
        _check(url)
        return await self.inner.retrieve(url, **timeouts)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        return await self.inner.do_request(*args, **kwargs)
