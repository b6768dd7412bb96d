"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# What runs a statement: an ORM session, or a Core connection where no ORM object is needed
# (a citizen's turn: the hottest path, which a session would cost a unit of work per statement).
Executor = AsyncSession | AsyncConnection


def dialect_name(executor: Executor) -> str:
    if isinstance(executor, AsyncConnection):
        return executor.dialect.name
    return executor.get_bind().dialect.name


def insert_ignoring_conflicts(session: Executor, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, spelled for the session's database."""
    module = postgresql if dialect_name(session) == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()
