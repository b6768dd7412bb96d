"""Apply one update through the application, as polling and the webhook both do."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application


async def apply(application: Application, update: Update) -> None:
    """Return once the update is applied: its handlers have run and their work is committed.

    The update processor bounds how many updates run at once, as python-telegram-bot's own
    fetcher does. A handler's exception has already gone to the error handler when this
    returns (the person got an apology), so the update counts as applied then too: taking it
    again would fail the same way.
    """
    await application.update_processor.process_update(update, application.process_update(update))
