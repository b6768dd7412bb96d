"""The explicit-consent buttons after the KVKK notice."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import parse
from bot.chat.conversation import drafts, onboarding
from bot.chat.conversation.turn import Turn, citizen_handler


@drafts.continues()
async def answered(turn: Turn, update: Update) -> None:
    """Nothing about the screen is stored before consent: the button carries what it needs."""
    callback = parse(update.callback_query.data if update.callback_query else None)
    if callback is not None and turn.live_unrecorded:
        await onboarding.show_current_step(turn, update)
        return
    if callback is None:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    await onboarding.answer_consent(turn, callback, update)


def register(application: Any) -> None:
    application.add_handler(
        CallbackQueryHandler(citizen_handler(answered), pattern=r"^c:(yes|no)(\.[a-z]{2}(\.[a-z0-9_.-]+)?)?$")
    )
