"""/uye: Alzheimer & dementia centre membership, and its buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import parse
from bot.chat import members as chat_members
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


async def begin(turn: Turn, update: Update) -> None:
    await chat_members.begin(turn, update)


async def button(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    if callback is None:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    await chat_members.on_button(turn, callback, update)


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("uye"), citizen_handler(begin), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(button), pattern=r"^u:"))
