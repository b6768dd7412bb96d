"""The report commands run as from a shell, against a database seeded for the test."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main


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


async def kentbot(db: Any, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run `kentbot` with `args` as from a shell; (exit code, what it printed, its errors)."""
    db.capsys.readouterr()
    try:
        code = await asyncio.to_thread(main, list(args))
    except SystemExit as exit_:  # argparse refusing the arguments
        code = exit_.code
    captured = db.capsys.readouterr()
    return code, captured.out, captured.err
