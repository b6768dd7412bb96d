"""One attendance row as the check-in review reads it: a plain value, so the pure rules
(`reports.checkin_flags`) need no database library to take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CheckinRow:
    attendance_id: int
    event_id: int
    event_type: str
    centre_id: str
    starts_at: datetime
    ends_at: datetime | None
    account: str | None  # the beneficiary key: the same person at every event
    kind: str  # "self" (scanned the code), "registered" (ticked by staff) or "walkin"
    recorded_at: datetime
    person_id: int | None
    name: str | None  # the person's Telegram name, shown to staff; never read by the rules
    first_seen: datetime | None  # when the bot first kept anything about the account
    registered: bool  # held a place (confirmed or waiting) at the event
