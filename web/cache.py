"""The figures each page shows, computed at most once a minute per year (or when told of a change).

A request never aggregates the database: it reads the cached figures. When they are older than
the refresh interval, or a change was signalled, the first request starts one recomputation in
the background and every request keeps the figures it has until the new ones are ready; only a
year never computed before makes its first request wait. Computations run one at a time, so
asking for many years at once queues them instead of loading the database with all of them.

The staff panel reads `settled` figures instead: after a change it signalled, its next page waits
for figures that count it, so a member who has just changed something sees it on the next page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from web.figures import YearFigures

log = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0

Compute = Callable[[int], Awaitable[YearFigures]]


@dataclass
class _Entry:
    figures: YearFigures
    at: float  # monotonic seconds when its computation started
    generation: int  # the count of signalled changes when it started


class FigureCache:
    """Per-year figures from `compute`, refreshed in the background."""

    def __init__(self, compute: Compute, refresh_seconds: float = REFRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._compute = compute
        self._refresh = refresh_seconds
        self._clock = clock
        self._entries: dict[int, _Entry] = {}
        self._running: dict[int, asyncio.Task[YearFigures]] = {}
        self._generation = 0
        # One computation at a time, whatever the years asked for: each reads the whole year.
        self._computing = asyncio.Lock()
        self.computations = 0

    async def get(self, year: int) -> YearFigures:
        entry = self._entries.get(year)
        if entry is None:
            return await self._start(year)
        if entry.generation != self._generation or self._clock() - entry.at >= self._refresh:
            self._start_in_background(year)
        return entry.figures

    async def settled(self, year: int) -> YearFigures:
        """The figures counting every change signalled so far, computed now if need be (a
        computation that started before the last change does not count)."""
        wanted = self._generation
        while True:
            entry = self._entries.get(year)
            if entry is not None and entry.generation >= wanted:
                return await self.get(year)
            await self._start(year)

    def changed(self) -> None:
        """Something the figures count has changed: the next request recomputes."""
        self._generation += 1

    def _start_in_background(self, year: int) -> None:
        task = self._task(year)
        task.add_done_callback(_log_failure)

    async def _start(self, year: int) -> YearFigures:
        return await asyncio.shield(self._task(year))

    def _task(self, year: int) -> asyncio.Task[YearFigures]:
        running = self._running.get(year)
        if running is None:
            running = asyncio.create_task(self._recompute(year), name=f"public-figures-{year}")
            self._running[year] = running
        return running

    async def _recompute(self, year: int) -> YearFigures:
        try:
            async with self._computing:
                started, generation = self._clock(), self._generation
                figures = await self._compute(year)
                self.computations += 1
            self._entries[year] = _Entry(figures, started, generation)
            return figures
        finally:
            self._running.pop(year, None)


def _log_failure(task: asyncio.Task[YearFigures]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("public figures: recomputation failed (%s); the previous figures stay",
                    task.exception().__class__.__name__)
