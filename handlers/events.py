"""/events (and /etkinlikler) for citizens, their buttons, and "don't ask me again"."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import parse
from bot.chat import citizen_events as chat_citizen_events
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


async def button(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    if callback is None:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    await chat_citizen_events.on_button(turn, callback, update)


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("events"), citizen_handler(chat_citizen_events.browse), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(button), pattern=r"^v:"))
    application.add_handler(CallbackQueryHandler(citizen_handler(chat_citizen_events.opt_out), pattern=r"^o:surveys$"))
