"""Telegram-style flood control: token buckets per chat and for the whole bot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class TokenBucket:
    """`capacity` sends at once, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        # Clocks read a moment apart can go backwards by a hair; that is not a refill debt.
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one whole token is available (0 when one is there now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class FloodControl:
    """Decides whether a send may go out now; uses real monotonic time, not the movable clock,
    because a bot backs off in real seconds."""

    def __init__(
        self,
        global_rate: int,
        per_chat_rate: int,
        per_chat_burst: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._global_rate = global_rate
        self._per_chat_rate = per_chat_rate
        self._per_chat_burst = max(per_chat_burst, 1)
        self._global: TokenBucket | None = (
            self._bucket(global_rate, global_rate) if global_rate > 0 else None
        )
        self._chats: dict[int, TokenBucket] = {}

    def _bucket(self, capacity: int, rate: int) -> TokenBucket:
        return TokenBucket(capacity, rate, capacity, self._monotonic())

    def acquire(self, chat_id: int) -> int | None:
        """Take a send slot for `chat_id`; return None if granted, else retry_after seconds."""
        now = self._monotonic()
        buckets: list[TokenBucket] = []
        if self._global is not None:
            buckets.append(self._global)
        if self._per_chat_rate > 0:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = self._chats[chat_id] = self._bucket(
                    self._per_chat_burst, self._per_chat_rate
                )
            buckets.append(bucket)
        for bucket in buckets:
            bucket.refill(now)
        wait = max((bucket.wait_time() for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None
