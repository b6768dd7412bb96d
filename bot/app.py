"""Wiring of the python-telegram-bot Application: services, handlers, start-up work."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot.connection_guard import GuardedRequest
from bot.context import KentContext
from bot.i18n import LANGUAGES, t
from bot.jobs import register_jobs
from bot.services import Services
from storage.centres import load_centres
from storage.locks import lock_in_transaction
from storage.migrate import is_up_to_date
from storage.repositories import centres
from storage.repositories import staff as staff_store
from storage.repositories import surveys as survey_store
from surveys.definition import content_hash

log = logging.getLogger(__name__)

CITIZEN_COMMANDS = ("start", "events", "uye", "language", "help", "cancel", "forget", "cikis")
# python-telegram-bot's own default for the bot's requests (getUpdates has its own, of one).
CONNECTION_POOL_SIZE = 256


class NotMigrated(Exception):
    """The database schema is behind the code."""


def build_application(services: Services, token: str, *, request: BaseRequest | None = None, updater: bool = True) -> Application:  # type: ignore[type-arg]
    """The bot for `token`, talking to the configured Bot API server (or `request`, in tests).
    Its calls are checked to be made holding no database connection (`bot.connection_guard`)."""
    root = services.settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(context=KentContext))
        .concurrent_updates(True)
        # Telegram allows about 30 messages a second overall; 0 lifts the cap (emulator, tests).
        .rate_limiter(AIORateLimiter(overall_max_rate=services.settings.reply_rate, max_retries=2))
        .post_init(post_init)
        .request(GuardedRequest(request or HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE)))
    )
    if request is not None:
        builder = builder.get_updates_request(request)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["services"] = services
    handlers.register_all(application)
    register_jobs(application)
    return application


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Check the schema, store the survey versions and centres, and set the command menus."""
    services: Services = application.bot_data["services"]
    await prepare_database(services)
    for lang in LANGUAGES:
        commands = [BotCommand(name, t(lang, f"command.{name}")) for name in CITIZEN_COMMANDS]
        await application.bot.set_my_commands(
            commands, scope=BotCommandScopeAllPrivateChats(), language_code=None if lang == "tr" else lang
        )


async def prepare_database(services: Services) -> None:
    if not await is_up_to_date(services.engine):
        raise NotMigrated("the database schema is not up to date: run `kentbot db upgrade`")
    now = services.clock()
    async with services.sessions.begin() as session:
        # Workers starting together on a fresh database would otherwise insert the same centres.
        await lock_in_transaction(session, "kentbot:prepare-database")
        await centres.sync(session, load_centres())
        for defn in services.surveys.values():
            await survey_store.register_definition(
                session,
                survey_id=defn.id,
                version=defn.version,
                content_hash=content_hash(defn),
                indicator=defn.indicator,
                anonymity=defn.anonymity,
                definition=defn.model_dump(mode="json"),
                now=now,
            )
        # A new version may bring other staff commands: the menu job shows everyone theirs again.
        await staff_store.show_menus_again(session)
