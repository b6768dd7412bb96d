"""What the services owe people, as domain events: who is told about what, once (`dedupe_key`).

The chat layer (bot/chat/notices.py) words them, adds their buttons and queues them in the
same transaction as the change that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models import Event, Membership, Person
from surveys.definition import SurveyDefinition


@dataclass(frozen=True)
class EventNotice:
    """An event's reminder, cancellation, move, or a place freed for someone waiting."""

    kind: str  # "reminder", "cancelled", "moved" or "promoted"
    event: Event
    person: Person
    dedupe_key: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class MembershipNotice:
    """A membership application was decided."""

    membership: Membership
    person: Person
    dedupe_key: str


@dataclass(frozen=True)
class SurveyInvitation:
    """An attendee is asked to rate the centre of the activity they came to."""

    survey: SurveyDefinition
    event: Event
    person: Person
    period: str
    dedupe_key: str


Notice = EventNotice | MembershipNotice | SurveyInvitation
