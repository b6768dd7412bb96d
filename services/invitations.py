"""After a disability-centre activity the attendee is asked, once per survey period, to rate
the centre (4.2.9); "don't ask me again" is honoured. This decides whether an invitation is
owed; its words, link and buttons are the chat layer's (bot/chat/invitations.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.notices import SurveyInvitation
from storage.models import Event, Person
from storage.repositories import participation
from storage.repositories.invitations import invitation_key
from surveys.definition import SurveyDefinition
from surveys.periods import period_of

SURVEY_FOR_EVENT = {"disability_activity": "disability_centre"}


@dataclass(frozen=True)
class InviteContext:
    """What deciding an invitation needs from outside the database."""

    secret: bytes
    surveys: dict[str, SurveyDefinition]
    local_date: date  # today in the municipality's time zone: periods are local


async def owed(session: AsyncSession, context: InviteContext, *, event: Event, person: Person) -> SurveyInvitation | None:
    """The invitation owed, or None when opted out or already answered this period."""
    survey_id = SURVEY_FOR_EVENT.get(event.type)
    defn = context.surveys.get(survey_id) if survey_id else None
    if defn is None or person.survey_invites_opt_out_at is not None:
        return None
    period = period_of(defn.period, context.local_date)
    if await participation.answered(session, context.secret, defn.id, defn.anonymity, period, person.telegram_user_id):
        return None
    return SurveyInvitation(defn, event, person, period, invitation_key(defn.id, period, person.id))
