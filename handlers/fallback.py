"""Everything nobody else took: edited messages, media, unknown commands, forged buttons.

Each gets a helpful reply and changes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.chat.conversation import drafts
from bot.chat.conversation.turn import Turn, citizen_handler


@drafts.continues()
async def _edited(turn: Turn, update: Update) -> None:
    turn.send(turn.text("unexpected.edited"))


@drafts.continues()
async def _unknown_command(turn: Turn, update: Update) -> None:
    turn.send(turn.text("unexpected.command"))


@drafts.continues()
async def _media(turn: Turn, update: Update) -> None:
    turn.send(turn.text("unexpected.media"))


@drafts.continues()
async def _forged_button(turn: Turn, update: Update) -> None:
    turn.toast(turn.text("unexpected.stale_button"))


def _register_edited(application: Any) -> None:
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.EDITED, citizen_handler(_edited))
    )


# Registered before every other feature, so an edited "/start" is not taken as a new one.
edited = SimpleNamespace(register=_register_edited)


def register(application: Any) -> None:
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private_messages & filters.COMMAND, citizen_handler(_unknown_command)))
    application.add_handler(MessageHandler(private_messages, citizen_handler(_media)))
    application.add_handler(CallbackQueryHandler(citizen_handler(_forged_button)))
