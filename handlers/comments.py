"""Staff's /yorumlar (/comments) and its page buttons."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.chat.comments import comments_button, comments_command
from bot.chat.conversation.turn import citizen_handler
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("comments"), citizen_handler(comments_command), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(comments_button), pattern=r"^b:"))
