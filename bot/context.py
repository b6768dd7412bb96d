"""The typed context every handler receives: it carries the services."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services


class KentContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        return self.bot_data["services"]


KentApplication = Application[ExtBot[None], KentContext, dict[Any, Any], dict[Any, Any], dict[str, Any], Any]
