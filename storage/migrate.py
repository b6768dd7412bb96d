"""Apply and check Alembic migrations on kentbot's own async engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction."""

    def run(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def is_up_to_date(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()


def schema_state(current: str | None) -> str:
    """"current" when the database is at the code's head; "behind" when it is empty or at a
    revision the code knows (an upgrade is due); "ahead" when its revision is unknown to this
    code (newer code migrated it: this worker is the old one)."""
    if current == head_revision():
        return "current"
    if current is None:
        return "behind"
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        return "ahead"
    return "behind" if known is not None else "ahead"
