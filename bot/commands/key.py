"""The pseudonym-key check of every command that works on the database (see storage.key_check)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.app import key_mismatch_message
from bot.config import ConfigError, Settings
from storage import key_check
from storage.database import create_engine, session_factory
from storage.migrate import is_up_to_date


async def verify_key(settings: Settings) -> None:
    """Raise ConfigError (one line, exit 2) when KENTBOT_SECRET is not the database's key. A
    database that is not migrated yet is left to the command, which says so itself."""
    engine = create_engine(settings.resolved_database_url())
    try:
        if not await is_up_to_date(engine):
            return
        async with session_factory(engine).begin() as session:
            await key_check.verify(session, settings.resolved_secret(), datetime.now(timezone.utc))
    except key_check.KeyMismatch:
        raise ConfigError(key_mismatch_message(settings)) from None
    finally:
        await engine.dispose()
