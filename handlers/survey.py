"""Survey buttons, typed answers and /cancel."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import parse
from bot.chat.conversation import drafts, onboarding, survey
from bot.chat.conversation.turn import Turn, citizen_handler
from surveys.engine import Text

# Telegram caps a message at 4096 characters; anything longer did not come from a person.
MAX_TEXT = 4096


@drafts.continues()
async def button(turn: Turn, update: Update) -> None:
    query = update.callback_query
    callback = parse(query.data if query else None)
    if callback is None:  # oversized or malformed: forged, or from a client we do not know
        turn.toast(turn.text("unexpected.stale_button"))
        return
    if turn.live_unrecorded:
        await onboarding.show_current_step(turn, update)
        return
    message_id = query.message.message_id if query and query.message else None
    await survey.on_button(turn, callback, message_id)


@drafts.continues()
async def typed(turn: Turn, update: Update) -> None:
    text = update.message.text if update.message and update.message.text else ""
    screen = turn.state.get("screen")
    if len(text) > MAX_TEXT:
        turn.send(turn.text("unexpected.too_long"))
    elif screen == "survey":
        await survey.apply(turn, Text(text), by_button=False, names=survey.own_names(update.effective_user))
    elif screen in ("language", "consent", "choose"):
        turn.send(turn.text("survey.use_buttons"))
    else:
        turn.send(turn.text("idle.hint"))


@drafts.continues()
async def cancel(turn: Turn, update: Update) -> None:
    await survey.cancel(turn)


def register(application: Any) -> None:
    """Typed answers and /cancel reach `typed` and `cancel` through handlers/staff_text.py, which
    takes every typed text and /cancel first and hands over what is not a staff step."""
    application.add_handler(CallbackQueryHandler(citizen_handler(button), pattern=r"^[satqh]:"))
