"""The SQLite driver adapter: a connection that cannot open leaves nothing running behind it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import sqlite_driver


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
