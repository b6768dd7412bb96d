"""`kentbot backup --out FILE`: a consistent copy of a running SQLite database.

SQLite's online backup API copies page by page while the bot keeps writing, so the copy is a
snapshot of one moment. The copy then loses the participation salts and tokens and the drafts
of anonymous surveys, and is rebuilt (VACUUM) so not even their bytes stay in it: a backup
never tells who took part in an anonymous survey (docs/privacy.md). PostgreSQL has its own
tool; the command prints the recipe instead.

The copy goes a few pages at a time so a terminal can show how far it is (bot/progress.py). SQLite starts such a
copy again whenever another connection writes, so a busy database could keep it going for
ever: after `MAX_RESTARTS` restarts the rest is copied in one step, which holds a read lock
for the whole copy (the bot's writes wait, or in WAL mode go on beside it) and always finishes.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import SECRET_FILE, Settings
from bot.progress import progress_bar
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


PAGES_PER_STEP = 256  # 1 MiB of 4 KiB pages: a step is quick, the bar moves on small databases too
MAX_RESTARTS = 5
EXIT_REFUSED = 2  # an existing file or no database: a refusal, like every other operator mistake


class _Restarted(Exception):
    """The stepped copy began again more often than it may."""


@dataclass(frozen=True)
class Copied:
    pages: int
    restarts: int
    in_one_step: bool  # the stepped copy kept restarting and the whole file was copied at once


def copy_database(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    *,
    pages: int = PAGES_PER_STEP,
    max_restarts: int = MAX_RESTARTS,
    on_step: Callable[[int, int], None] = lambda done, total: None,
) -> Copied:
    """Copy `source` into `target` `pages` at a time, calling `on_step(done, total)` after each
    step; after `max_restarts` restarts (another connection wrote) copy the rest in one step."""
    restarts = 0
    last_remaining: int | None = None

    def step(status: int, remaining: int, total: int) -> None:
        nonlocal restarts, last_remaining
        if last_remaining is not None and remaining > last_remaining:
            restarts += 1
            if restarts > max_restarts:
                raise _Restarted
        last_remaining = remaining
        on_step(total - remaining, total)

    try:
        source.backup(target, pages=pages, progress=step, sleep=0)
    except _Restarted:
        source.backup(target)
        (total,) = source.execute("PRAGMA page_count").fetchone()
        on_step(total, total)
        return Copied(pages=total, restarts=restarts, in_one_step=True)
    (total,) = source.execute("PRAGMA page_count").fetchone()
    return Copied(pages=total, restarts=restarts, in_one_step=False)


def size_text(size: int) -> str:
    """A file size for people: 1.2 MB, 340 kB, 512 bytes."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


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
        return EXIT_REFUSED
    target = Path(out)
    if target.exists():
        print(f"kentbot: {target} exists; choose a new file name so no backup is overwritten", file=sys.stderr)
        return EXIT_REFUSED
    # The copy holds everything the database does: 0600 before the first page is written.
    partial = private_file(target.with_name(target.name + ".partial"))
    src, dst = sqlite3.connect(source), sqlite3.connect(partial)
    try:
        with progress_bar("copying the database (pages)") as bar:
            copied = copy_database(src, dst, on_step=bar.update)
        if copied.in_one_step:
            print(
                f"kentbot: the database changed during the copy {copied.restarts} times; "
                "copied the rest in one step instead", file=sys.stderr,
            )
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
    print(f"backup written to {target.resolve()} ({size_text(target.stat().st_size)})")
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
