"""`kentbot db upgrade` and `kentbot db check`."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.commands.key import verify_key
from bot.config import Settings
from bot.operator_errors import shown_url
from storage.database import create_engine, is_sqlite
from storage.maintenance import scrub
from storage.migrate import current_revision, head_revision
from storage.migrate import upgrade as apply_migrations
from storage.private_files import private_folder

# What a migration may have rewritten to remove links between people and anonymous answers.
REWRITTEN = ("responses", "answers", "conversations")


async def upgrade(settings: Settings, *, create: bool = False) -> int:
    """Apply the migrations. A configured SQLite path whose folder is missing is most likely
    a typo: refuse it (unless --create) instead of starting a new, empty database there."""
    url = settings.resolved_database_url()
    if is_sqlite(url):
        folder = Path(make_url(url).database or ".").parent
        if not folder.exists():
            if settings.database_url and not create:
                print(
                    f"kentbot: the folder {folder} of the SQLite database does not exist: check DATABASE_URL, "
                    "or pass --create to make a new database there",
                    file=sys.stderr,
                )
                return 2
            private_folder(folder)
    engine = create_engine(url)
    try:
        await apply_migrations(engine)
        # Old versions of rewritten rows must not stay behind in free pages or dead tuples.
        await scrub(engine, REWRITTEN, rebuild=True)
        print(f"database {shown_url(url)} at revision {await current_revision(engine)}")
    finally:
        await engine.dispose()
    await verify_key(settings)  # a new database keeps the key's check value from the start
    return 0


async def check(settings: Settings) -> int:
    """Which database, whether it answers, and whether its schema is the code's."""
    url = settings.resolved_database_url()
    engine = create_engine(url)
    try:
        current = await current_revision(engine)
    finally:
        await engine.dispose()
    print(f"database {shown_url(url)}: reachable")
    if current != head_revision():
        state = "empty (no migration applied)" if current is None else f"at revision {current}"
        print(f"kentbot: the database is {state}, the code expects {head_revision()}: run `kentbot db upgrade`", file=sys.stderr)
        return 1
    print(f"schema at revision {current} (up to date)")
    return 0
