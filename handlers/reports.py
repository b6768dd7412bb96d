"""Managers' /report (with its period buttons and the survey results and charts under it),
/subscribe, /unsubscribe and /indicator."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.chat.conversation.turn import citizen_handler
from bot.chat.reports import (
    indicator,
    report_menu,
    report_period,
    subscribe,
    unsubscribe,
)
from bot.chat.survey_results import chart_button, results_button
from bot.command_names import accepted
from handlers.start import COMMAND_FILTER


def register(application: Any) -> None:
    application.add_handler(CommandHandler(accepted("report"), citizen_handler(report_menu), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler(accepted("subscribe"), citizen_handler(subscribe), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler(accepted("unsubscribe"), citizen_handler(unsubscribe), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler(accepted("indicator"), citizen_handler(indicator), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(report_period, pattern=r"^r:"))
    application.add_handler(CallbackQueryHandler(citizen_handler(results_button), pattern=r"^p:"))
    application.add_handler(CallbackQueryHandler(chart_button, pattern=r"^g:"))
