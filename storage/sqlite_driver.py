"""An aiosqlite connection whose statements cross to the driver's thread once each.

aiosqlite runs SQLite in a thread of its own and every call is a hand-off to it and back
through the event loop. Through SQLAlchemy a SELECT costs four (open a cursor, run the
statement, fetch the rows, close the cursor) and an UPDATE three; a citizen's turn runs a few
statements, so the hand-offs, not SQLite, were most of its cost. Here the cursor runs the
statement, reads every row and closes in the thread in one hand-off, and a rollback with no
transaction open (the pool's reset of a connection whose transaction was committed) costs none.

Rows are read in full at once, as SQLAlchemy's adapter does for every cursor but a
server-side one, which kentbot does not use.

A transaction's last write may also commit it in its own hand-off (`COMMIT_IF_CHANGED`): a
citizen's turn ends with the UPDATE of their conversation, and the COMMIT that followed it was
one more hand-off, on the hottest path. The commit is made only when the statement changed a
row; otherwise the transaction stays open for its caller to roll back, as before. The COMMIT
SQLAlchemy then sends finds no transaction open and costs none.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite

Row = tuple[Any, ...]

# An execution option for a transaction's last write: commit in the same hand-off if it changed
# a row (`storage.database` hands it to the driver).
COMMIT_IF_CHANGED = "commit_if_changed"


class OneHopCursor:
    """What SQLAlchemy's aiosqlite adapter needs of a cursor, each statement one hand-off."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: list[Row] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> OneHopCursor:
        run = _execute_committing if self._connection.take_commit_request() else _execute
        self._keep(await self._connection.run_in_thread(run, sql, parameters))
        return self

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> OneHopCursor:
        self._keep(await self._connection.run_in_thread(_execute_many, sql, rows))
        return self

    def _keep(self, outcome: tuple[list[Row], Any, int, int | None]) -> None:
        self._rows, self.description, self.rowcount, self.lastrowid = outcome

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


def _execute(connection: sqlite3.Connection, sql: str, parameters: Any) -> tuple[list[Row], Any, int, int | None]:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        return (cursor.fetchall() if cursor.description else []), cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _execute_committing(connection: sqlite3.Connection, sql: str, parameters: Any) -> tuple[list[Row], Any, int, int | None]:
    outcome = _execute(connection, sql, parameters)
    if outcome[2] > 0 and connection.in_transaction:
        connection.commit()
    return outcome


def _execute_many(connection: sqlite3.Connection, sql: str, rows: Any) -> tuple[list[Row], Any, int, int | None]:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, rows)
        return [], cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopConnection(aiosqlite.Connection):
    """aiosqlite's connection with cursors that cost one hand-off a statement."""

    commit_requested = False

    def cursor(self) -> OneHopCursor:  # type: ignore[override]  # a cursor opens without a hand-off
        return OneHopCursor(self)

    def request_commit(self) -> None:
        """The next statement commits its transaction in its own hand-off if it changes a row."""
        self.commit_requested = True

    def take_commit_request(self) -> bool:
        requested, self.commit_requested = self.commit_requested, False
        return requested

    async def run_in_thread(self, function: Any, *args: Any) -> Any:
        """`function(sqlite3_connection, *args)` in the driver's thread, one hand-off."""
        return await self._execute(lambda: function(self._conn, *args))

    async def _connect(self) -> OneHopConnection:
        try:
            await super()._connect()
        except BaseException:
            # aiosqlite has asked its thread to stop and does not wait: wait for it, or it may
            # answer an event loop that has closed, printing a traceback after a one-line error.
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
            raise
        return self

    async def rollback(self) -> None:
        self.commit_requested = False  # a statement that failed before it ran asks nothing of the next
        # Read outside the driver's thread: a flag, not a call into SQLite's connection.
        if self._connection is not None and self._connection.in_transaction:
            await super().rollback()

    async def commit(self) -> None:
        # As rollback: with no transaction open (its last write committed it) there is nothing to do.
        if self._connection is not None and self._connection.in_transaction:
            await super().commit()


def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """As `aiosqlite.connect`, with one-hand-off cursors; await it to open."""
    connection = OneHopConnection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    # As SQLAlchemy sets for aiosqlite's own: an unclosed connection must not keep the process alive.
    connection._thread.daemon = True  # noqa: SLF001
    return connection
