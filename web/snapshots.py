"""When a satisfaction figure may change on the public pages: only by 5 answers or more.

A share published after every answer gives each answer away by differencing (80.0% of 5,
then 66.7% of 6: the sixth was not satisfied), whatever the release timing. So the pages
show published snapshots only, frozen once stored, and publish a new one only when at least
`MIN_CELL_N` more answers are counted than in the last (the first at n >= 5). Pure: the
store is `storage.repositories.snapshots`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reports.stats import MIN_CELL_N
from storage.repositories.snapshots import Snapshot


def due(last: Snapshot | None, n: int) -> bool:
    """A new snapshot of n answers may be published after `last`."""
    return n >= MIN_CELL_N and (last is None or n - last.n >= MIN_CELL_N)


def first_publication(code: str, cell: str, month_ends: Sequence[tuple[date, int, int]]) -> list[Snapshot]:
    """The snapshots to freeze when a figure is first published for a year, from its
    cumulative (day, satisfied, n) at every month's end, the last being now: the last is
    always kept (the first publication equals the live figure); going back, a month's figure
    is kept only when it has 5 or more and 5 fewer than the next one kept, so earlier months
    merge until every step is of 5 answers or more."""
    kept: list[Snapshot] = []
    for day, satisfied, n in reversed(month_ends):
        if due(None, n) and (not kept or kept[-1].n - n >= MIN_CELL_N):
            kept.append(Snapshot(code, cell, day, satisfied, n))
    return list(reversed(kept))


def latest_by(snapshots: Sequence[Snapshot], day: date) -> Snapshot | None:
    """The last snapshot published on or before `day` (snapshots oldest first)."""
    shown = None
    for snapshot in snapshots:
        if snapshot.published_on <= day:
            shown = snapshot
    return shown
