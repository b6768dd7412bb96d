"""Self check-ins worth a second look. Telegram tells the bot nothing about the phone, so a
check-in code passed on from the room to people elsewhere shows only in the pattern of the
accounts that used it. Each rule is one sentence staff can check against what they saw:

- `new_account`: the bot first saw the account less than 24 hours before the event began;
- `burst`: it is one of 3 or more self check-ins to the event within 60 seconds by people who
  had not registered for it;
- `elsewhere`: the same person is also recorded at another centre's event at an overlapping time.

A flag asks for review and changes no figure: a flagged check-in counts until staff take it
back. Only self check-ins are flagged; staff vouch for the attendance they record themselves.
Plain rows in, flags out: no database, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from storage.checkin_rows import CheckinRow

NEW_ACCOUNT_HOURS = 24  # first seen less than this long before the event began
BURST_SIZE = 3  # this many unregistered self check-ins ...
BURST_SECONDS = 60  # ... within this many seconds
ASSUMED_HOURS = 2  # how long an event with no end is taken to last

NEW_ACCOUNT, BURST, ELSEWHERE = "new_account", "burst", "elsewhere"
RULES = (NEW_ACCOUNT, BURST, ELSEWHERE)  # the order reasons are given in
SELF = "self"


def flag(rows: Iterable[CheckinRow]) -> dict[int, tuple[str, ...]]:
    """The self check-ins among `rows` that a rule flags, by attendance id, with the rules that
    did. The burst rule reads every row of an event, the elsewhere rule the same person's rows
    at other events: a caller passes them all."""
    rows = tuple(rows)
    reasons: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if row.kind == SELF and _new_account(row):
            reasons[row.attendance_id].add(NEW_ACCOUNT)
    for attendance_id in _bursts(rows):
        reasons[attendance_id].add(BURST)
    for attendance_id in _elsewhere(rows):
        reasons[attendance_id].add(ELSEWHERE)
    return {attendance_id: tuple(r for r in RULES if r in found) for attendance_id, found in reasons.items()}


def span(starts_at: datetime, ends_at: datetime | None) -> tuple[datetime, datetime]:
    """The time an event takes: to its end, or `ASSUMED_HOURS` when it has none."""
    return starts_at, ends_at or starts_at + timedelta(hours=ASSUMED_HOURS)


def _new_account(row: CheckinRow) -> bool:
    return row.first_seen is not None and row.first_seen > row.starts_at - timedelta(hours=NEW_ACCOUNT_HOURS)


def _bursts(rows: tuple[CheckinRow, ...]) -> set[int]:
    """Unregistered self check-ins of an event, `BURST_SIZE` or more within `BURST_SECONDS`."""
    by_event: dict[int, list[CheckinRow]] = defaultdict(list)
    for row in rows:
        if row.kind == SELF and not row.registered:
            by_event[row.event_id].append(row)
    window = timedelta(seconds=BURST_SECONDS)
    found: set[int] = set()
    for group in by_event.values():
        group.sort(key=lambda row: (row.recorded_at, row.attendance_id))
        last = 0
        for first, row in enumerate(group):
            last = max(last, first)
            while last + 1 < len(group) and group[last + 1].recorded_at - row.recorded_at <= window:
                last += 1
            if last - first + 1 >= BURST_SIZE:
                found.update(r.attendance_id for r in group[first : last + 1])
    return found


def _elsewhere(rows: tuple[CheckinRow, ...]) -> set[int]:
    """Self check-ins of a person also recorded at an overlapping event of another centre."""
    by_account: dict[str, list[CheckinRow]] = defaultdict(list)
    for row in rows:
        if row.account is not None:
            by_account[row.account].append(row)
    return {
        row.attendance_id
        for group in by_account.values()
        for row in group
        if row.kind == SELF and any(_apart_at_once(row, other) for other in group)
    }


def _apart_at_once(one: CheckinRow, other: CheckinRow) -> bool:
    """Two events of different centres whose times overlap."""
    if one.centre_id == other.centre_id or one.event_id == other.event_id:
        return False
    one_starts, one_ends = span(one.starts_at, one.ends_at)
    other_starts, other_ends = span(other.starts_at, other.ends_at)
    return one_starts < other_ends and other_starts < one_ends
