"""The full KVKK notice (its button and /aydinlatma, /notice) and the consents given, each
withdrawable on its own (/izinler, /consents)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import parse
from bot.chat import consents
from bot.chat.conversation import consent, drafts
from bot.chat.conversation.turn import Turn, citizen_handler
from bot.command_names import accepted
from bot.i18n import LANGUAGES
from handlers.start import COMMAND_FILTER


@drafts.continues()
async def full_notice(turn: Turn, update: Update) -> None:
    """The button under the short notice: it carries the language, as nothing is stored yet."""
    callback = parse(update.callback_query.data if update.callback_query else None)
    turn.toast()
    consent.show_full_notice(turn, callback.value if callback and callback.value in LANGUAGES else None)


@drafts.continues()
async def notice_command(turn: Turn, update: Update) -> None:
    consent.show_full_notice(turn)


async def listing(turn: Turn, update: Update) -> None:
    consents.show(turn)


async def withdraw(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    await consents.withdraw(turn, callback.value if callback else "", update)


def register(application: Any) -> None:
    application.add_handler(CallbackQueryHandler(citizen_handler(full_notice), pattern=r"^n:[a-z]{2}$"))
    application.add_handler(CommandHandler(accepted("notice"), citizen_handler(notice_command), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler(accepted("consents"), citizen_handler(listing), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(withdraw), pattern=r"^w:[a-z]+$"))
