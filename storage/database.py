"""Engine and session set-up, identical in use on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_

from storage import sqlite_driver
from storage.private_files import private_file, tighten
from storage.text import has_refused, json_dumps, storable_value

# How long a SQLite connection waits for another process's write transaction before failing.
BUSY_TIMEOUT_SECONDS = 30.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with WAL, foreign keys and writer transactions that queue.

    On both databases a failed statement's error names no parameter (the conversation state,
    a citizen key, typed text would otherwise go into the log with it), and text the database
    would refuse (NUL, lone surrogates) is dropped from every parameter and JSON value rather
    than failing the statement.

    SQLite transactions start with BEGIN IMMEDIATE so two writers (two processes, or two
    tasks) wait for each other instead of failing half-way with "database is locked". Every
    SQLite transaction writes, and SQLite lets one writer in at a time, so a process keeps one
    connection: its tasks wait their turn in order, in the pool, instead of racing in SQLite's
    busy handler, where a task can lose for longer than the busy timeout when many people write
    at once and Telegram is slow to answer the sends made inside their transactions.
    """
    kwargs["hide_parameters"] = True
    kwargs.setdefault("json_serializer", json_dumps)
    if is_sqlite(url):
        # No folder is created here: a mistyped path must fail, not start an empty database
        # (`kentbot db upgrade` creates the default data folder, or another with --create).
        database = make_url(url).database
        if database and database != ":memory:" and Path(database).parent.is_dir():
            _private_database_files(Path(database))
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 300)
        engine = create_async_engine(url, async_creator=_sqlite_connector(url), **kwargs)
        _configure_sqlite(engine)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


def _sqlite_connector(url: str) -> Callable[[], Awaitable[Any]]:
    """Connections whose statements cost one hand-off each (`storage.sqlite_driver`)."""
    database = make_url(url).database or ":memory:"

    async def connect() -> sqlite_driver.OneHopConnection:
        return await sqlite_driver.connect(database, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)  # type: ignore[return-value]  # awaiting opens and returns it; typed as aiosqlite's base class

    return connect


def _private_database_files(database: Path) -> None:
    """The database file made (or kept) 0600 in a 0700 folder before SQLite opens it: SQLite
    gives its WAL and shared-memory files the database file's permissions."""
    private_file(database)
    for companion in ("-wal", "-shm", "-journal"):
        tighten(Path(f"{database}{companion}"))


def _storable_parameters(
    _connection: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool
) -> tuple[str, Any]:
    """The last line of defence: whatever text reaches a statement is storable."""
    return statement, storable_value(parameters) if has_refused(parameters) else parameters


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A deleted row's bytes are overwritten, not left in a free page for a copy to find.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _commit_with_statement(connection: Any, _cursor: Any, _statement: str, _parameters: Any, context: Any, _many: bool) -> None:
        if context is not None and context.execution_options.get(sqlite_driver.COMMIT_IF_CHANGED):
            connection.connection.driver_connection.request_commit()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight to the driver: one hand-off to its thread instead of three (a cursor, the
        # statement, closing the cursor), on every transaction.
        await_(connection.connection.driver_connection.execute("BEGIN IMMEDIATE"))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
