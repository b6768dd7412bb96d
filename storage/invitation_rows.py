"""One survey invitation as the response rates read it: a plain value, so the pure rate model
(`reports.response_rates`) needs no database library to take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class InvitationRow:
    survey_id: str
    anonymous: bool
    source: str
    centre: str | None  # the centre's name, for an invitation after an activity
    invited_on: date
    delivered: bool  # its outbox row was handed to Telegram and accepted
    started: bool
    completed: bool
