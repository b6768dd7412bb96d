"""`kentbot db upgrade` and `kentbot db check`."""

from __future__ import annotations

import sys

from bot.config import Settings
from storage.database import create_engine
from storage.maintenance import scrub
from storage.migrate import current_revision, head_revision, upgrade as apply_migrations

# What a migration may have rewritten to remove links between people and anonymous answers.
REWRITTEN = ("responses", "answers", "conversations")


async def upgrade(settings: Settings) -> int:
    engine = create_engine(settings.resolved_database_url())
    try:
        await apply_migrations(engine)
        # Old versions of rewritten rows must not stay behind in free pages or dead tuples.
        await scrub(engine, REWRITTEN, rebuild=True)
        print(f"database at revision {await current_revision(engine)}")
    finally:
        await engine.dispose()
    return 0


async def check(settings: Settings) -> int:
    engine = create_engine(settings.resolved_database_url())
    try:
        current = await current_revision(engine)
    finally:
        await engine.dispose()
    if current != head_revision():
        print(f"database at revision {current}, code expects {head_revision()}: run `kentbot db upgrade`", file=sys.stderr)
        return 1
    print(f"database at revision {current} (up to date)")
    return 0
