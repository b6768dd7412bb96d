"""The one global error handler: log with context, tell the person, keep their place.

The failed update's transaction was rolled back, so the person is exactly where they were
before it and can simply try again.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import KentContext
from bot.i18n import normalise_language, t

log = logging.getLogger(__name__)


async def on_error(update: object, context: KentContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %r", update_id, context.error, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None or isinstance(context.error, Forbidden):
        return
    lang = normalise_language(update.effective_user.language_code if update.effective_user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, t(lang, "error.generic"))
    except TelegramError as error:
        log.warning("could not tell chat about the failure: %s", error)
