"""A process whose pseudonym key is not the database's stops with one line, before it writes
pseudonyms nobody can match; a new key is made only for a new database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE


def kentbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    environment.update({"KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def refused(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("kentbot:")]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_another_secret_is_refused_by_every_command(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}", "KENTBOT_DATA_DIR": str(tmp_path / "data")}
    assert kentbot(["db", "upgrade"], {**database, "KENTBOT_SECRET": "the-first-secret-0123456789"}, tmp_path).returncode == 0
    same = kentbot(["indicators", "--year", "2026"], {**database, "KENTBOT_SECRET": "the-first-secret-0123456789"}, tmp_path)
    assert same.returncode == 0, same.stderr
    for command in (["indicators", "--year", "2026"], ["staff", "list"], ["audit", "--since", "2026-11-01"], ["db", "upgrade"]):
        line = refused(kentbot(command, {**database, "KENTBOT_SECRET": "a-misspelt-secret-0123456789"}, tmp_path))
        assert line.startswith("kentbot: KENTBOT_SECRET does not match the key this database was made with")
        assert str((tmp_path / "data").resolve()) in line


def test_a_generated_key_in_another_data_folder_is_refused(tmp_path: Path) -> None:
    """No KENTBOT_SECRET: the key is the data folder's file; another folder means another key."""
    url = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"}
    assert kentbot(["db", "upgrade"], {**url, "KENTBOT_DATA_DIR": str(tmp_path / "first")}, tmp_path).returncode == 0
    line = refused(kentbot(["staff", "list"], {**url, "KENTBOT_DATA_DIR": str(tmp_path / "second")}, tmp_path))
    assert f"kentbot.secret back into {(tmp_path / 'second').resolve()}" in line
    assert kentbot(["staff", "list"], {**url, "KENTBOT_DATA_DIR": str(tmp_path / "first")}, tmp_path).returncode == 0


async def test_the_bot_does_not_start_with_another_secret(emulator_client, tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}", "KENTBOT_DATA_DIR": str(tmp_path),
        "KENTBOT_SECRET": "the-first-secret-0123456789",
    }
    assert (await asyncio.to_thread(kentbot, ["db", "upgrade"], env, tmp_path)).returncode == 0
    env.update({
        "KENTBOT_SECRET": "another-secret-0123456789", "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token",
        "TELEGRAM_API_BASE_URL": emulator_client.base_url,
    })
    result = await asyncio.to_thread(kentbot, ["run"], env, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("kentbot:")]
    assert lines == [lines[0]] and "KENTBOT_SECRET does not match" in lines[0]
