"""The survey invitation an attendee is owed (services/invitations.py), worded for them: a text
that names no topic, a button that opens the survey, and "don't ask me again"."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.chat.conversation.deep_links import make_payload
from bot.i18n import t
from services.notices import SurveyInvitation


def payload(invitation: SurveyInvitation, bot_username: str) -> dict[str, Any]:
    lang = invitation.person.language
    link = f"https://t.me/{bot_username}?start={make_payload(invitation.survey, invitation.event.centre_id)}"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "invitation.button.open"), url=link)],
            [InlineKeyboardButton(t(lang, "invitation.button.stop"), callback_data=pack("optout", "surveys"))],
        ]
    )
    return {
        "text": t(lang, "invitation.text"), "reply_markup": keyboard.to_dict(),
        "disable_notification": invitation.event.sensitive,
    }
