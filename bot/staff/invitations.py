"""After a disability-centre activity the attendee is asked, once per survey period, to rate
the centre (4.2.9). The invitation names no topic, and "don't ask me again" is honoured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.conversation.deep_links import make_payload
from bot.i18n import t
from storage.models import Event, Person
from storage.repositories import outbox, participation
from surveys.definition import SurveyDefinition
from surveys.periods import period_of

SURVEY_FOR_EVENT = {"disability_activity": "disability_centre"}


@dataclass(frozen=True)
class InviteContext:
    """What an invitation needs from outside the database: the bot's name and the survey."""

    bot_username: str
    secret: bytes
    surveys: dict[str, SurveyDefinition]
    local_date: date  # today in the municipality's time zone: periods are local


async def invite(session: AsyncSession, context: InviteContext, *, event: Event, person: Person, now: datetime) -> bool:
    """Queue the invitation; False when opted out, already answered or already invited."""
    survey_id = SURVEY_FOR_EVENT.get(event.type)
    defn = context.surveys.get(survey_id) if survey_id else None
    if defn is None or person.survey_invites_opt_out_at is not None:
        return False
    period = period_of(defn.period, context.local_date)
    if await participation.answered(session, context.secret, defn.id, defn.anonymity, period, person.telegram_user_id):
        return False
    link = f"https://t.me/{context.bot_username}?start={make_payload(defn, event.centre_id)}"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(person.language, "invitation.button.open"), url=link)],
            [InlineKeyboardButton(t(person.language, "invitation.button.stop"), callback_data=pack("optout", "surveys"))],
        ]
    )
    return await outbox.enqueue(
        session,
        dedupe_key=f"survey-invite:{defn.id}:{period}:{person.id}",
        chat_id=person.telegram_user_id,
        kind="survey_invitation",
        payload={
            "text": t(person.language, "invitation.text"), "reply_markup": keyboard.to_dict(),
            "disable_notification": event.sensitive,
        },
        not_before=now,
        now=now,
    )
