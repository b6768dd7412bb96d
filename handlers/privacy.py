"""/forget with its confirmation, and the safe exit /cikis, /exit and its button."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import parse
from bot.chat.conversation import drafts, privacy
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


async def forget(turn: Turn, update: Update) -> None:
    await privacy.ask_forget(turn)


async def forget_answer(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    assert callback is not None  # the pattern guarantees it
    await privacy.answer_forget(turn, callback, update)


@drafts.clears
async def safe_exit(turn: Turn, update: Update) -> None:
    turn.toast()
    await privacy.safe_exit(turn, update)


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("forget"), citizen_handler(forget), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(forget_answer), pattern=r"^f:(yes|no)$"))
    application.add_handler(CommandHandler(accepted("cikis"), citizen_handler(safe_exit), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(safe_exit), pattern=r"^x:$"))
