"""The SQLite driver adapter: a connection that cannot open leaves nothing running behind it, and
a transaction's last write can commit it in its own hand-off."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import sqlite_driver
from storage.database import create_engine
from storage.rowcount import changed_rows


def test_a_database_that_cannot_open_fails_once_and_leaves_no_thread_to_complain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator who mistypes the folder gets one line: no traceback from the driver's thread
    answering an event loop that has already closed."""
    from_threads: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: from_threads.append(args.exc_value))

    async def open_missing(attempt: int) -> sqlite_driver.OneHopConnection:
        connection = sqlite_driver.connect(str(tmp_path / "missing" / f"{attempt}.sqlite3"))
        with pytest.raises(sqlite3.OperationalError):
            await connection
        return connection

    for attempt in range(20):
        connection = asyncio.run(open_missing(attempt))
        assert not connection._thread.is_alive()  # noqa: SLF001
    assert from_threads == []


def _seen_elsewhere(database: Path) -> list[tuple[int, str]]:
    """What another connection to the file sees: only what was committed."""
    with sqlite3.connect(database) as other:
        return list(other.execute("SELECT id, v FROM notes ORDER BY id"))


async def _notes_database(database: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, v TEXT)"))
        await connection.execute(text("INSERT INTO notes VALUES (1, 'old')"))
    return engine


def test_a_last_write_that_changes_a_row_commits_its_transaction_at_once(tmp_path: Path) -> None:
    """A citizen's turn ends with one UPDATE: it commits the turn's transaction in the same
    hand-off, before the commit SQLAlchemy sends after it."""
    database = tmp_path / "notes.sqlite3"

    async def scenario() -> list[tuple[int, str]]:
        engine = await _notes_database(database)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO notes VALUES (2, 'new')"))
                last = text("UPDATE notes SET v = 'changed' WHERE id = 1").execution_options(
                    **{sqlite_driver.COMMIT_IF_CHANGED: True}
                )
                await connection.execute(last)
                return await asyncio.to_thread(_seen_elsewhere, database)
        finally:
            await engine.dispose()

    assert asyncio.run(scenario()) == [(1, "changed"), (2, "new")]
    assert _seen_elsewhere(database) == [(1, "changed"), (2, "new")]


def test_a_last_write_that_changes_nothing_leaves_its_transaction_to_be_rolled_back(tmp_path: Path) -> None:
    """A conversation someone else moved on is not overwritten: the UPDATE changes no row, and
    everything the turn wrote before it is rolled back, as without the option."""
    database = tmp_path / "notes.sqlite3"

    async def scenario() -> None:
        engine = await _notes_database(database)
        try:
            with pytest.raises(LookupError):
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO notes VALUES (2, 'new')"))
                    last = text("UPDATE notes SET v = 'changed' WHERE id = 99").execution_options(
                        **{sqlite_driver.COMMIT_IF_CHANGED: True}
                    )
                    if changed_rows(await connection.execute(last)) != 1:
                        raise LookupError("moved on")
        finally:
            await engine.dispose()

    asyncio.run(scenario())
    assert _seen_elsewhere(database) == [(1, "old")]
