"""The getUpdates offset that confirms only applied updates.

Telegram forgets every update whose id is below the `offset` of a getUpdates call. Updates of
different people are applied concurrently and finish in any order, so the offset may pass
only over the updates that are finished together with every update fetched before them: an
update still being applied, and every one after it, stays with Telegram and comes again if
the process dies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class Offsets:
    """Fetched, not yet confirmed updates in the order Telegram gave them, and which are done."""

    def __init__(self) -> None:
        self._unconfirmed: deque[int] = deque()
        self._known: set[int] = set()
        self._finished: set[int] = set()
        self._next: int | None = None

    def take_new(self, update_ids: Iterable[int]) -> list[int]:
        """Note a getUpdates answer; return the ids not fetched before (the rest are being
        applied, or applied and waiting for an earlier one)."""
        new = [update_id for update_id in update_ids if update_id not in self._known]
        for update_id in new:
            self._unconfirmed.append(update_id)
            self._known.add(update_id)
            self._next = update_id + 1 if self._next is None else max(self._next, update_id + 1)
        return new

    def finish(self, update_id: int) -> None:
        """The update is applied."""
        if update_id in self._known:
            self._finished.add(update_id)

    @property
    def offset(self) -> int | None:
        """What to pass to getUpdates: the first update not finished, else one past the last
        fetched; None before anything was fetched (Telegram then starts at its oldest)."""
        while self._unconfirmed and self._unconfirmed[0] in self._finished:
            done = self._unconfirmed.popleft()
            self._finished.discard(done)
            self._known.discard(done)
        return self._unconfirmed[0] if self._unconfirmed else self._next

    @property
    def in_progress(self) -> int:
        """How many fetched updates are not finished yet."""
        return len(self._unconfirmed) - len(self._finished)
