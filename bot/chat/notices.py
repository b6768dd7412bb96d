"""What reminders and notices say, as outbox payloads, queued in the transaction of the change
that made them owed (the services return them as `services.notices`).

About a sensitive event, and about any membership (dementia is health data), they name no topic:
a neutral line that makes no sound, and the detail only behind a button, shown in the chat when
the person presses it (docs/privacy.md, "Notifications"). The preview a locked phone shows is
then "You have an event tomorrow at 14:00", never the event's title or place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.chat import invitations
from bot.i18n import t
from services import events
from services.notices import EventNotice, MembershipNotice, Notice, SurveyInvitation
from storage.models import Event, Membership
from storage.repositories import invitations as invitation_store
from storage.repositories import outbox

# Event notices by kind, and the letter their detail button carries.
EVENT_NOTICES = {"reminder": "r", "cancelled": "c", "moved": "m", "promoted": "p"}
KIND_OF_LETTER = {letter: kind for kind, letter in EVENT_NOTICES.items()}

# The Turkish locative after a time read aloud ("14:00'te", "10:00'da", "17:30'da"): it follows
# the last word spoken, the minutes' unless they are zero, else the hour's.
_ONES = {1: "de", 2: "de", 3: "te", 4: "te", 5: "te", 6: "da", 7: "de", 8: "de", 9: "da"}
_TENS = {0: "da", 1: "da", 2: "de", 3: "da", 4: "ta", 5: "de"}


def turkish_at(hour: int, minute: int) -> str:
    spoken = minute if minute else hour
    suffix = _ONES[spoken % 10] if spoken % 10 else _TENS[spoken // 10]
    return f"{hour:02d}:{minute:02d}'{suffix}"


def _at(lang: str, moment: datetime) -> str:
    return turkish_at(moment.hour, moment.minute) if lang == "tr" else f"{moment.hour:02d}:{moment.minute:02d}"


def event_text(lang: str, kind: str, event: Event, zone: ZoneInfo) -> str:
    """The whole notice: what a non-sensitive event's notice says, and the detail of a sensitive one."""
    return t(lang, f"events.notice.{kind}", title=event.title, when=events.local_text(event.starts_at, zone), place=event.place or "")


def event_payload(lang: str, kind: str, event: Event, zone: ZoneInfo) -> dict[str, Any]:
    if not event.sensitive:
        return {"text": event_text(lang, kind, event, zone)}
    if kind == "reminder":
        text = t(lang, "neutral.reminder", time=_at(lang, event.starts_at.astimezone(zone)))
    else:
        text = t(lang, "neutral.event")
    return _neutral(lang, text, pack("events", f"n.{EVENT_NOTICES[kind]}.{event.id}"))


def membership_text(lang: str, membership: Membership) -> str:
    if membership.status == "approved":
        return t(lang, "membership.notice.approved", name=membership.member_name)
    return t(lang, "membership.notice.declined", name=membership.member_name, reason=membership.decline_reason)


def membership_payload(lang: str, membership: Membership) -> dict[str, Any]:
    """Always neutral: every membership is of the Alzheimer & dementia centre (storage/sensitivity.py)."""
    return _neutral(lang, t(lang, "neutral.application"), pack("membership", f"n.{membership.id}"))


def _neutral(lang: str, text: str, detail: str) -> dict[str, Any]:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "button.neutral.detail"), callback_data=detail)]])
    return {"text": text, "disable_notification": True, "reply_markup": keyboard.to_dict()}


async def queue(
    session: AsyncSession, owed: Iterable[Notice], *, zone: ZoneInfo, now: datetime, bot_username: str = ""
) -> int:
    """Queue each notice once (by its dedupe key); returns how many were new."""
    queued = 0
    for notice in owed:
        lang = notice.person.language
        expires_at = None
        if isinstance(notice, EventNotice):
            kind, payload = "event_notice", event_payload(lang, notice.kind, notice.event, zone)
            if notice.kind == "reminder":
                kind, expires_at = "event_reminder", notice.expires_at
        elif isinstance(notice, MembershipNotice):
            kind, payload = "membership_notice", membership_payload(lang, notice.membership)
        else:
            assert isinstance(notice, SurveyInvitation)
            kind, payload = "survey_invitation", invitations.payload(notice, bot_username)
        new = await outbox.enqueue(
            session, dedupe_key=notice.dedupe_key, chat_id=notice.person.telegram_user_id, kind=kind, payload=payload,
            not_before=now, now=now, expires_at=expires_at,
        )
        if new and isinstance(notice, SurveyInvitation):
            await invitation_store.record(
                session, dedupe_key=notice.dedupe_key, survey_id=notice.survey.id,
                anonymous=notice.survey.anonymity == "anonymous", period=notice.period, source="attendance",
                centre_id=notice.event.centre_id, today=now.astimezone(zone).date(),
            )
        queued += new
    return queued
