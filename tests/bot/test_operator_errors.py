"""An operator's mistake with the database is one line naming the cause and exit code 2, never a
traceback, and a mistyped SQLite path never becomes a new, empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE

POSTGRES = os.environ.get("KENTBOT_TEST_POSTGRES_URL")


def kentbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    environment.update({
        "KENTBOT_DATA_DIR": str(cwd / "data"), "KENTBOT_SECRET": "operator-secret-0123456789",
        "KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), **env,
    })
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("kentbot: "), result.stderr
    return lines[0]


UNREACHABLE = [
    ("postgresql+asyncpg://postgres@127.0.0.1:1/test", "cannot reach the database server at 127.0.0.1:1"),
    ("postgresql+asyncpg://postgres:hunter2secret@name.invalid:5432/test", "cannot find the database host 'name.invalid'"),
]


@pytest.mark.parametrize(("url", "says"), UNREACHABLE)
@pytest.mark.parametrize("command", [["db", "check"], ["db", "upgrade"], ["indicators", "--year", "2026"], ["audit", "--since", "2026-11-01"]])
def test_an_unreachable_database_is_one_line(tmp_path: Path, url: str, says: str, command: list[str]) -> None:
    line = one_line(kentbot(command, {"DATABASE_URL": url}, tmp_path))
    assert says in line
    assert "hunter2secret" not in line


@pytest.mark.skipif(not POSTGRES, reason="needs the PostgreSQL server")
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"database": "kentbot_no_such_database"}, "the database 'kentbot_no_such_database' does not exist on"),
        ({"username": "kentbot_no_such_role"}, "does not know the user 'kentbot_no_such_role'"),
    ],
)
def test_a_missing_database_or_role_is_one_line(tmp_path: Path, change: dict[str, str], says: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES.replace("postgresql://", "postgresql+asyncpg://", 1)).set(**change)
    line = one_line(kentbot(["db", "check"], {"DATABASE_URL": url.render_as_string(hide_password=False)}, tmp_path))
    assert says in line


def test_a_mistyped_sqlite_folder_is_refused_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "dtaa" / "kentbot.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{missing}"}
    assert "does not exist: check DATABASE_URL, or pass --create" in one_line(kentbot(["db", "upgrade"], env, tmp_path))
    assert f"there is no SQLite database at {missing}" in one_line(kentbot(["indicators", "--year", "2026"], env, tmp_path))
    assert not missing.parent.exists()
    created = kentbot(["db", "upgrade", "--create"], env, tmp_path)
    assert created.returncode == 0, created.stderr
    assert missing.exists()


def test_the_default_data_folder_is_created_by_the_first_upgrade(tmp_path: Path) -> None:
    result = kentbot(["db", "upgrade"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "kentbot.sqlite3").exists()


def test_db_check_says_which_database_and_its_migration(tmp_path: Path) -> None:
    database = tmp_path / "k.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    database.touch()
    empty = kentbot(["db", "check"], env, tmp_path)
    assert empty.returncode == 1
    assert f"database sqlite+aiosqlite:///{database}: reachable" in empty.stdout
    assert "the database is empty (no migration applied)" in empty.stderr
    assert kentbot(["db", "upgrade"], env, tmp_path).returncode == 0
    current = kentbot(["db", "check"], env, tmp_path)
    assert current.returncode == 0 and "(up to date)" in current.stdout


async def test_the_bot_with_an_unreachable_database_is_one_line(emulator_client, tmp_path: Path) -> None:
    import asyncio

    env = {
        "DATABASE_URL": "postgresql+asyncpg://postgres:hunter2secret@127.0.0.1:1/test",
        "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token", "TELEGRAM_API_BASE_URL": emulator_client.base_url,
    }
    result = await asyncio.to_thread(kentbot, ["run"], env, tmp_path)
    line = one_line(result)
    assert "cannot reach the database server at 127.0.0.1:1" in line
    assert "hunter2secret" not in result.stderr and "kentbot-test-token" not in result.stderr


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_a_file_problem_names_the_file_not_the_database(tmp_path: Path, make: str) -> None:
    plan = tmp_path / "plan.yaml"
    if make == "folder":
        plan.mkdir()
    line = one_line(kentbot(["survey", "validate", "--plan", str(plan)], {}, tmp_path))
    assert str(plan) in line
    assert ("No such file or directory" if make == "missing" else "Is a directory") in line
    assert "database" not in line and "PostgreSQL" not in line


@pytest.mark.parametrize("command", [["indicators", "--year", "2026"], ["db", "check"], ["staff", "list"], ["retention"]])
def test_a_command_on_a_fresh_data_folder_leaves_no_empty_database(tmp_path: Path, command: list[str]) -> None:
    database = tmp_path / "data" / "kentbot.sqlite3"
    line = one_line(kentbot(command, {}, tmp_path))
    assert f"there is no SQLite database at {database}: run `kentbot db upgrade`" in line
    assert not database.exists()
