"""Every update passes here before any handler sees it: text that no database can store is
dropped from it (NUL, lone surrogates), in names, messages, captions and button data alike.

Telegram does not send such characters, but a client or a forged webhook call can, and on
PostgreSQL one NUL in a typed name would fail the person's turn on every retry. The storage
layer drops them again (`storage.text`), so a path that skips this one still stores nothing
refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from telegram import Update
from telegram.ext import Application

from storage.text import has_refused, storable_value


def storable_update(update: object, bot: Any) -> object:
    """`update` itself when it is clean (the usual case), else a copy without the refused text.

    Only the strings a handler reads are searched, not the whole update turned into a dict:
    that cost as much as a quarter of an ordinary turn. The copy, when one is due, cleans all."""
    if not isinstance(update, Update) or not any(has_refused(text) for text in read_strings(update) if text):
        return update
    return Update.de_json(storable_value(update.to_dict()), bot)


def read_strings(update: Update) -> Iterator[str | None]:
    """Every string of an update that kentbot reads: typed text, captions, button data, the
    names of the sender and the chat, a shared contact."""
    for message in (update.message, update.edited_message):
        if message is not None:
            yield from (message.text, message.caption)
            if message.contact is not None:
                yield from (message.contact.phone_number, message.contact.first_name, message.contact.last_name)
    if update.callback_query is not None:
        yield update.callback_query.data
    user, chat = update.effective_user, update.effective_chat
    if user is not None:
        yield from (user.first_name, user.last_name, user.username)
    if chat is not None:
        yield from (chat.first_name, chat.last_name, chat.username, chat.title)


class KentApplication(Application):
    """python-telegram-bot's Application with one inbound boundary for polling, webhook and tests,
    where each update is also counted and timed (`bot.metrics`)."""

    async def process_update(self, update: object) -> None:
        with self.bot_data["services"].metrics.turn(update):
            await super().process_update(storable_update(update, self.bot))
