"""`kentbot backup` copies a real database step by step with its progress on a terminal, ends
with the file's size and path, and still finishes when every step sees a new write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.commands.backup import copy_database
from tests.bot.test_operator_errors import kentbot
from tests.support.terminal import on_terminal

ROWS = 3000


def database(path: Path) -> Path:
    """A real SQLite file of a few hundred pages."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 400,)] * ROWS)
    connection.close()
    return path


def test_a_copy_restarted_by_every_write_still_finishes_in_one_step(tmp_path: Path) -> None:
    source_path = database(tmp_path / "live.sqlite3")
    source, target = sqlite3.connect(source_path), sqlite3.connect(tmp_path / "copy.sqlite3")
    writer = sqlite3.connect(source_path, isolation_level=None)
    steps: list[tuple[int, int]] = []

    def write_between_steps(done: int, total: int) -> None:
        steps.append((done, total))
        if done < total:
            writer.execute("INSERT INTO notes (body) VALUES ('during')")  # another connection: SQLite starts over

    try:
        copied = copy_database(source, target, pages=8, max_restarts=3, on_step=write_between_steps)
        (live,) = source.execute("SELECT count(*) FROM notes").fetchone()
        (kept,) = target.execute("SELECT count(*) FROM notes").fetchone()
        (ok,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        for connection in (source, target, writer):
            connection.close()
    assert copied.in_one_step and copied.restarts == 4
    assert ok == "ok" and kept == live  # the copy is the whole database as it was at the last write
    assert steps[-1][0] == steps[-1][1] == copied.pages


def test_a_quiet_database_is_copied_step_by_step(tmp_path: Path) -> None:
    source = sqlite3.connect(database(tmp_path / "quiet.sqlite3"))
    target = sqlite3.connect(tmp_path / "copy.sqlite3")
    steps: list[tuple[int, int]] = []
    try:
        copied = copy_database(source, target, pages=16, on_step=lambda done, total: steps.append((done, total)))
        (kept,) = target.execute("SELECT count(*) FROM notes").fetchone()
    finally:
        source.close()
        target.close()
    assert not copied.in_one_step and copied.restarts == 0 and kept == ROWS
    assert len(steps) == -(-copied.pages // 16) and [done for done, _ in steps] == sorted(done for done, _ in steps)


def test_the_command_shows_progress_on_a_terminal_and_ends_with_size_and_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    upgraded = kentbot(["db", "upgrade"], {"KENTBOT_DATA_DIR": str(data)}, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    database(data / "kentbot.sqlite3")  # kentbot's tables, and enough rows beside them for several steps
    out = tmp_path / "kentbot-backup.sqlite3"
    shown = on_terminal(["backup", "--out", str(out)], {"KENTBOT_DATA_DIR": str(data)}, tmp_path)
    assert shown.code == 0, shown.stderr
    size = out.stat().st_size
    assert shown.stdout.splitlines() == [f"backup written to {out} ({size / 10**6:.1f} MB)"]
    assert "copying the database (pages)" in shown.stderr and "100%" in shown.stderr and "\r" in shown.stderr
    piped = kentbot(["backup", "--out", str(tmp_path / "again.sqlite3")], {"KENTBOT_DATA_DIR": str(data), "FORCE_COLOR": "1"}, tmp_path)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr  # a log gets the last line alone
