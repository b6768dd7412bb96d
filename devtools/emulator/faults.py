"""Injected failures so tests can prove the bot survives a flaky Telegram."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

FaultMode = Literal["error", "hang", "hold"]


@dataclass
class FaultPlan:
    """Let the first `skip` matching calls through, fail the next `next_n`, then a `fraction`
    of the rest.

    `error` answers with `status` at once; `hang` stalls, then answers with `status`; `hold`
    stalls, then does what was asked, as a slow Telegram would. Stalled calls are let go when
    the plan is cleared or replaced (or after the emulator's `hang_seconds`); `holding` says
    which methods are stalled right now, so a test can act while a call is surely in flight.
    `methods` limits the plan to those Bot API methods (lower-case); empty means all.
    """

    mode: FaultMode = "error"
    status: int = 500
    next_n: int = 0
    fraction: float = 0.0
    methods: frozenset[str] = field(default_factory=frozenset)
    skip: int = 0

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        mode = body.get("mode", "error")
        if mode not in ("error", "hang", "hold"):
            raise ValueError("mode must be 'error', 'hang' or 'hold'")
        fraction = float(body.get("fraction", 0.0))
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        status = int(body.get("status", 500))
        if not 500 <= status <= 599:
            raise ValueError("status must be a 5xx code")
        skip = int(body.get("skip", 0))
        if skip < 0:
            raise ValueError("skip must not be negative")
        return cls(
            mode=mode,
            status=status,
            next_n=int(body.get("next", 0)),
            fraction=fraction,
            methods=frozenset(m.lower() for m in body.get("methods", [])),
            skip=skip,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "status": self.status,
            "next": self.next_n,
            "fraction": self.fraction,
            "methods": sorted(self.methods),
            "skip": self.skip,
        }


class FaultInjector:
    """Holds the active plan and releases hung requests when the plan is cleared or on shutdown."""

    def __init__(self, seed: int) -> None:
        self.plan = FaultPlan()
        self._random = random.Random(seed)
        self._release = asyncio.Event()
        self.holding: Counter[str] = Counter()

    def configure(self, plan: FaultPlan) -> None:
        self.release_hung()
        self.plan = plan

    def release_hung(self) -> None:
        self._release.set()
        self._release = asyncio.Event()

    def should_fail(self, method: str) -> bool:
        plan = self.plan
        if plan.methods and method not in plan.methods:
            return False
        if plan.skip > 0:
            plan.skip -= 1
            return False
        if plan.next_n > 0:
            plan.next_n -= 1
            return True
        return plan.fraction > 0 and self._random.random() < plan.fraction

    async def hang(self, method: str, seconds: float) -> None:
        """Stall like an overloaded server until time runs out or the fault is lifted."""
        self.holding[method] += 1
        try:
            await asyncio.wait_for(self._release.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            self.holding[method] -= 1
            if not self.holding[method]:
                del self.holding[method]
