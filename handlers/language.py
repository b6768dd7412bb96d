"""/language and the language buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import parse
from bot.chat.conversation import drafts, onboarding
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


@drafts.continues()
async def menu(turn: Turn, update: Update) -> None:
    onboarding.language_menu(turn)


@drafts.continues()
async def chosen(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    assert callback is not None  # the pattern guarantees it
    await onboarding.choose_language(turn, callback, update)


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("language"), citizen_handler(menu), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(chosen), pattern=r"^l:[a-z]{2}(\.[a-z0-9_.-]+)?$"))
