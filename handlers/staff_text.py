"""Typed text and /cancel while someone is in a staff, event or membership step; anything
else goes on to the survey's own handling, in the same turn."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.chat import aid as chat_aid
from bot.chat import corrections as chat_corrections
from bot.chat import event_manage as chat_event_manage
from bot.chat import event_new as chat_event_new
from bot.chat import members as chat_members
from bot.chat import milestones as chat_milestones
from bot.chat import walkin_merge as chat_walkin_merge
from bot.chat.conversation import drafts
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.chat.staff import end_screen
from bot.command_names import accepted
from handlers import survey
from handlers.start import COMMAND_FILTER

SCREENS = {
    chat_event_new.SCREEN: chat_event_new.on_text,
    "staff.walkin": chat_event_manage.on_text,
    chat_event_manage.WALKIN_CHOICE: chat_event_manage.on_text,
    chat_walkin_merge.SCREEN: chat_event_manage.on_text,
    chat_walkin_merge.PICK: chat_event_manage.on_text,
    "staff.headcount": chat_event_manage.on_text,
    "staff.move": chat_event_manage.on_text,
    chat_aid.SCREEN: chat_aid.on_text,
    chat_milestones.SCREEN: chat_milestones.on_text,
    chat_corrections.SCREEN: chat_corrections.on_text,
    chat_members.SCREEN: chat_members.on_text,
    "staff.decline": chat_members.on_decline_reason,
}


@drafts.continues()
async def typed(turn: Turn, update: Update) -> None:
    text = update.message.text if update.message and update.message.text else ""
    handler = SCREENS.get(turn.state.get("screen", ""))
    if handler is None or len(text) > survey.MAX_TEXT:
        await survey.typed(turn, update)
        return
    await handler(turn, text)


@drafts.continues()
async def cancel(turn: Turn, update: Update) -> None:
    if turn.state.get("screen", "") in SCREENS:
        end_screen(turn)
        turn.send(turn.text("staff.cancelled"))
        return
    await survey.cancel(turn, update)


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("cancel"), citizen_handler(cancel), filters=COMMAND_FILTER))
    text_filter = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(text_filter, citizen_handler(typed)))
