"""The report commands run as from a shell, against a database seeded for the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest


async def seed_for_cli(
    db: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    seed: Callable[[Any], Awaitable[None]],
) -> Any:
    """`db` seeded by `seed`, and the settings `kentbot` reads pointed at it; returns `db` with
    `capsys` on it, for reading what a command printed."""
    async with db.sessions.begin() as session:
        await seed(session)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("KENTBOT_SECRET", "test-secret-0123456789abcdef")
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    db.capsys = capsys
    return db
