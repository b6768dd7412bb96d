"""Running modes: long polling for a pilot, a webhook server for workers behind a proxy."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import NotMigrated, build_application
from bot.config import ConfigError, Settings
from bot.services import build_services
from storage.repositories.surveys import DefinitionChanged

log = logging.getLogger(__name__)
WEBHOOK_PATH = "telegram"


class StartupError(Exception):
    """Start-up cannot go on; the message is the one line the operator sees."""


def run(settings: Settings, *, webhook: bool) -> None:
    """Serve until stopped. Raises StartupError for a missing or rejected token, or an old schema."""
    token = settings.telegram_bot_token
    if not token:
        raise StartupError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it")
    if webhook and not (settings.webhook_url and settings.webhook_secret):
        raise StartupError("webhook mode needs KENTBOT_WEBHOOK_URL and KENTBOT_WEBHOOK_SECRET")
    services = build_services(settings)
    application = build_application(services, token)
    # run_polling and run_webhook own the event loop; make sure one exists for this thread.
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        if webhook:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=WEBHOOK_PATH,
                secret_token=settings.webhook_secret,
                webhook_url=f"{settings.webhook_url.rstrip('/')}/{WEBHOOK_PATH}",
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    except InvalidToken as error:
        raise StartupError(f"TELEGRAM_BOT_TOKEN was rejected by {settings.telegram_api_base_url}: {error.message}") from None
    except (NotMigrated, DefinitionChanged) as error:
        raise StartupError(str(error)) from None
    except NetworkError as error:
        raise StartupError(f"cannot reach the Bot API at {settings.telegram_api_base_url}: {error.message}") from None
    except ConfigError as error:
        raise StartupError(str(error)) from None
