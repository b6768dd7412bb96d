"""Every update passes here before any handler sees it: text that no database can store is
dropped from it (NUL, lone surrogates), in names, messages, captions and button data alike.

Telegram does not send such characters, but a client or a forged webhook call can, and on
PostgreSQL one NUL in a typed name would fail the person's turn on every retry. The storage
layer drops them again (`storage.text`), so a path that skips this one still stores nothing
refused.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from storage.text import has_refused, storable_value


def storable_update(update: object, bot: Any) -> object:
    """`update` itself when it is clean (the usual case), else a copy without the refused text."""
    if not isinstance(update, Update):
        return update
    data = update.to_dict()
    if not has_refused(data):
        return update
    return Update.de_json(storable_value(data), bot)


class KentApplication(Application):  # type: ignore[type-arg]
    """python-telegram-bot's Application with one inbound boundary for polling, webhook and tests."""

    async def process_update(self, update: object) -> None:
        await super().process_update(storable_update(update, self.bot))
