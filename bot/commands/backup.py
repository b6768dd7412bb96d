"""`kentbot backup --out FILE`: a consistent copy of a running SQLite database.

SQLite's online backup API copies page by page while the bot keeps writing, so the copy is a
snapshot of one moment. The copy then loses the participation salts and tokens and the drafts
of anonymous surveys, and is rebuilt (VACUUM) so not even their bytes stay in it: a backup
never tells who took part in an anonymous survey (docs/privacy.md). PostgreSQL has its own
tool; the command prints the recipe instead.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import SECRET_FILE, Settings
from storage.database import is_sqlite
from storage.private_files import private_file, tighten
from storage.repositories.participation import NOT_BACKED_UP

PG_DUMP_RECIPE = """\
kentbot backup copies SQLite databases only. For PostgreSQL use pg_dump, e.g.:

  pg_dump --format=custom --no-owner {excluded} --file={out} "{url}"

and restore with:

  pg_restore --clean --no-owner --dbname="<database url>" {out}

The --exclude-table-data options keep out who took part in an anonymous survey (restored,
those tables are empty: someone who answered this period may answer once more).
Keep KENTBOT_SECRET (or {secret}) with the backup: without it the pseudonyms in the
database cannot be matched to returning citizens."""


def backup(settings: Settings, out: str) -> int:
    url = settings.resolved_database_url()
    if not is_sqlite(url):
        shown = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
        excluded = " ".join(f"--exclude-table-data={table}" for table in NOT_BACKED_UP)
        print(PG_DUMP_RECIPE.format(out=out, url=shown, excluded=excluded, secret=settings.data_dir / SECRET_FILE), file=sys.stderr)
        return 1
    source = Path(make_url(url).database or "")
    if not source.is_file():
        print(f"kentbot: no database at {source}; nothing to back up", file=sys.stderr)
        return 1
    target = Path(out)
    if target.exists():
        print(f"kentbot: {target} exists; choose a new file name so no backup is overwritten", file=sys.stderr)
        return 1
    # The copy holds everything the database does: 0600 before the first page is written.
    partial = private_file(target.with_name(target.name + ".partial"))
    src, dst = sqlite3.connect(source), sqlite3.connect(partial)
    try:
        src.backup(dst)
        _leave_out_participation(dst)
        (ok,) = dst.execute("PRAGMA integrity_check").fetchone()
    finally:
        src.close()
        dst.close()
    if ok != "ok":
        partial.unlink()
        print(f"kentbot: the copy failed its integrity check ({ok}); {target} not written", file=sys.stderr)
        return 1
    partial.rename(target)
    tighten(target)
    print(f"backup written to {target} ({target.stat().st_size} bytes)")
    if not settings.secret:
        print(f"also keep {settings.data_dir / SECRET_FILE} with it: the pseudonym key is not in the database")
    return 0


def _leave_out_participation(copy: sqlite3.Connection) -> None:
    """Empty the tables no backup may hold, then rebuild the file without their pages; one
    file, no WAL beside it."""
    copy.isolation_level = None
    copy.execute("PRAGMA secure_delete=ON")
    for table in NOT_BACKED_UP:
        copy.execute(f'DELETE FROM "{table}"')
    copy.execute("PRAGMA journal_mode=DELETE")
    copy.execute("VACUUM")
