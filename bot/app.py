"""Wiring of the python-telegram-bot Application: services, handlers, start-up work."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot.command_names import CITIZEN_COMMANDS, shown
from bot.config import SECRET_FILE, Settings
from bot.connection_guard import GuardedRequest
from bot.context import KentContext
from bot.i18n import LANGUAGES, t
from bot.inbound import KentApplication
from bot.jobs import register_jobs
from bot.services import Services
from storage import key_check
from storage.centres import load_centres
from storage.locks import lock_in_transaction
from storage.migrate import is_up_to_date
from storage.repositories import centres
from storage.repositories import staff as staff_store
from storage.repositories import surveys as survey_store
from surveys.definition import content_hash

log = logging.getLogger(__name__)

# python-telegram-bot's own default for the bot's requests (getUpdates has its own, of one).
CONNECTION_POOL_SIZE = 256


class NotMigrated(Exception):
    """The database cannot be used as it is: its schema is behind the code, or it was made
    with another pseudonym key."""


def key_mismatch_message(settings: Settings) -> str:
    return (
        f"KENTBOT_SECRET does not match the key this database was made with: set the original key, or put the "
        f"data folder's {SECRET_FILE} back into {settings.data_dir.resolve()} (a new key is made only for a new database)"
    )


def build_application(services: Services, token: str, *, request: BaseRequest | None = None) -> Application:
    """The bot for `token`, talking to the configured Bot API server (or `request`, in tests).

    It has no python-telegram-bot Updater, which would acknowledge an update to Telegram
    before it is applied: updates come from `bot/updates/polling.py` or the webhook route.
    Its calls are checked to be made holding no database connection (`bot.connection_guard`).
    """
    root = services.settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .application_class(KentApplication)
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(context=KentContext))
        .concurrent_updates(True)
        # Telegram allows about 30 messages a second overall; 0 lifts the cap (emulator, tests).
        .rate_limiter(AIORateLimiter(overall_max_rate=services.settings.reply_rate, max_retries=2))
        .updater(None)
        .request(GuardedRequest(request or HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE)))
    )
    if request is not None:
        builder = builder.get_updates_request(request)
    application = builder.build()
    application.bot_data["services"] = services
    handlers.register_all(application)
    register_jobs(application)
    return application


async def post_init(application: Application) -> None:
    """Check the schema, store the survey versions and centres, and set the command menus."""
    services: Services = application.bot_data["services"]
    await prepare_database(services)
    for lang in LANGUAGES:
        commands = [BotCommand(shown(name, lang), t(lang, f"command.{name}")) for name in CITIZEN_COMMANDS]
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
        try:
            await key_check.verify(session, services.secret, now)
        except key_check.KeyMismatch:
            raise NotMigrated(key_mismatch_message(services.settings)) from None
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
