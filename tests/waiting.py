"""Waiting on a condition instead of sleeping a guessed time: a busy machine only makes it slower."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


async def eventually(check: Callable[[], Awaitable[T]], what: str, timeout: float = WAIT_SECONDS) -> T:
    """The first true value `check` gives; fails after `timeout` seconds saying what was awaited."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await check()):
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(POLL_SECONDS)
    return value
