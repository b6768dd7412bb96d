"""The one global error handler: log where it failed (never the data), tell the person,
keep their place.

A failure while a turn decides rolls its transaction back, so the person is exactly where they
were before it and can simply try again; a failure after it committed leaves what they did
applied. Either way `/start` shows them where they are. The language is read, and the message
sent, with no connection held across the call to Telegram.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import KentContext
from bot.error_log import log_failure
from bot.i18n import normalise_language, t
from storage.models import Citizen
from storage.pseudonyms import citizen_key

log = logging.getLogger(__name__)


async def on_error(update: object, context: KentContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if context.error is not None:
        log_failure(log, "update %s failed", update_id, error=context.error)
    if not isinstance(update, Update) or update.effective_chat is None or isinstance(context.error, Forbidden):
        return
    lang = await _language(update, context)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, t(lang, "error.generic"))
    except TelegramError as error:
        log.warning("could not tell chat about the failure: %s", error)


async def _language(update: Update, context: KentContext) -> str:
    """The language the person chose, or Telegram's guess when it cannot be read (the failure
    may be the database itself)."""
    user = update.effective_user
    guess = normalise_language(user.language_code if user else None)
    if user is None:
        return guess
    services = context.services
    try:
        async with services.sessions() as session:
            citizen = await session.get(Citizen, citizen_key(services.secret, user.id))
    except SQLAlchemyError:
        return guess
    return citizen.language if citizen is not None and citizen.language else guess
