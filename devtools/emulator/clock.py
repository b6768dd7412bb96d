"""The emulator's notion of 'now', movable so tests can jump past Telegram's time rules."""

from __future__ import annotations

import time


class EmulatorClock:
    """Wall-clock time plus an offset that only ever grows (Telegram time never goes back)."""

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0 if start is None else start - time.time()

    def now(self) -> float:
        return time.time() + self._offset

    def timestamp(self) -> int:
        """Unix seconds, the unit of every `date` field in the Bot API."""
        return int(self.now())

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock cannot go back")
        self._offset += seconds
