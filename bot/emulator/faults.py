"""Injected failures so tests can prove the bot survives a flaky Telegram."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any, Literal

FaultMode = Literal["error", "hang"]


@dataclass
class FaultPlan:
    """Fail the next `next_n` matching calls, then a `fraction` of the rest.

    `methods` limits the plan to those Bot API methods (lower-case); empty means all.
    """

    mode: FaultMode = "error"
    status: int = 500
    next_n: int = 0
    fraction: float = 0.0
    methods: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        mode = body.get("mode", "error")
        if mode not in ("error", "hang"):
            raise ValueError("mode must be 'error' or 'hang'")
        fraction = float(body.get("fraction", 0.0))
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        status = int(body.get("status", 500))
        if not 500 <= status <= 599:
            raise ValueError("status must be a 5xx code")
        return cls(
            mode=mode,
            status=status,
            next_n=int(body.get("next", 0)),
            fraction=fraction,
            methods=frozenset(m.lower() for m in body.get("methods", [])),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "status": self.status,
            "next": self.next_n,
            "fraction": self.fraction,
            "methods": sorted(self.methods),
        }


class FaultInjector:
    """Holds the active plan and releases hung requests when the plan is cleared or on shutdown."""

    def __init__(self, seed: int) -> None:
        self.plan = FaultPlan()
        self._random = random.Random(seed)
        self._release = asyncio.Event()

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
        if plan.next_n > 0:
            plan.next_n -= 1
            return True
        return plan.fraction > 0 and self._random.random() < plan.fraction

    async def hang(self, seconds: float) -> None:
        """Stall like an overloaded server until time runs out or the fault is lifted."""
        try:
            await asyncio.wait_for(self._release.wait(), seconds)
        except TimeoutError:
            pass
