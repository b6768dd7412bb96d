"""/start (with an optional deep-link payload) and /help."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.chat.conversation import drafts, onboarding
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted

COMMAND_FILTER = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


@drafts.continues(drafts.takes_payload)
async def start(turn: Turn, update: Update) -> None:
    text = update.message.text if update.message and update.message.text else ""
    parts = text.split(maxsplit=1)
    await onboarding.start(turn, parts[1].strip() if len(parts) > 1 else None, update)


@drafts.continues()
async def help_text(turn: Turn, update: Update) -> None:
    turn.send(turn.text("help.text"))


def register(application: Any) -> None:
    application.add_handler(CommandHandler("start", citizen_handler(start), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler(accepted("help"), citizen_handler(help_text), filters=COMMAND_FILTER))
