"""The restore runbook of docs/operations.md, performed line by line: a backup made with
`kentbot backup`, restored into a new folder with its key, serves the same citizens under the
same pseudonyms and gives the same figures."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.config import SECRET_FILE, read_secret_file
from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from storage.database import create_engine, session_factory
from storage.pseudonyms import citizen_key
from storage.repositories import citizens
from tests.reports.reports_db_sample import YEAR, seed

RUNBOOK = Path(__file__).parents[2] / "docs" / "operations.md"
TELEGRAM_ID = 424242
STATE = {"step": "survey", "survey": "disability_centre", "answers": {"overall": 4}}


def restore_steps() -> str:
    """The shell lines under the runbook's marker, as written there."""
    found = re.search(r"<!-- restore-steps[^>]*-->\n```sh\n(.*?)```", RUNBOOK.read_text(encoding="utf-8"), re.S)
    assert found, "docs/operations.md has no restore steps"
    return found.group(1)


def environment(**values: str) -> dict[str, str]:
    """A shell's environment with `kentbot` on the PATH and no kentbot setting but `values`."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    kept["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{kept.get('PATH', '')}"
    return {**kept, "KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), **values}


def kentbot(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=environment(KENTBOT_DATA_DIR=str(data_dir)), cwd=data_dir.parent,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


async def fill(data_dir: Path) -> None:
    """A year of records, and a citizen half-way through a survey, keyed with the folder's key."""
    engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'kentbot.sqlite3'}")
    key = citizen_key(read_secret_file(data_dir / SECRET_FILE), TELEGRAM_ID)
    try:
        async with session_factory(engine).begin() as session:
            await seed(session)
            profile = citizens.Profile("en", {"survey": {"version": "1", "at": "2026-11-20T10:00:00+00:00"}})
            await citizens.save(
                session, key, profile, citizens.Stored(STATE, [7], [1]), datetime.now(timezone.utc), was=(None, None)
            )
    finally:
        await engine.dispose()


async def citizen_of(data_dir: Path) -> tuple[citizens.Profile | None, citizens.Stored | None]:
    engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'kentbot.sqlite3'}")
    try:
        async with session_factory(engine).begin() as session:
            return await citizens.load(session, citizen_key(read_secret_file(data_dir / SECRET_FILE), TELEGRAM_ID))
    finally:
        await engine.dispose()


def test_a_backup_restored_by_the_runbook_continues_with_the_same_people_and_figures(tmp_path: Path) -> None:
    old, new, kept = tmp_path / "old" / "data", tmp_path / "restored", tmp_path / "backups"
    old.parent.mkdir()
    kentbot(old, "db", "upgrade")  # no KENTBOT_SECRET: the key is generated into the data folder
    asyncio.run(fill(old))
    figures = kentbot(old, "indicators", "--year", str(YEAR), "--json").stdout
    assert '"4.2.9"' in figures
    before = asyncio.run(citizen_of(old))

    kentbot(old, "backup", "--out", str(kept / "kentbot.sqlite3"))
    shutil.copy2(old / SECRET_FILE, kept / SECRET_FILE)
    shutil.rmtree(tmp_path / "old")  # the machine is gone: only the backups are left

    steps = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", restore_steps()], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=environment(BACKUP=str(kept / "kentbot.sqlite3"), KEY=str(kept / SECRET_FILE), NEW_DATA=str(new)),
    )
    assert steps.returncode == 0, steps.stderr
    assert "(up to date)" in steps.stdout

    assert kentbot(new, "indicators", "--year", str(YEAR), "--json").stdout == figures
    profile, conversation = asyncio.run(citizen_of(new))
    assert (profile, conversation) == before
    assert profile is not None and profile.language == "en"
    assert conversation is not None and conversation.state == STATE
    for restored in (new, new / "kentbot.sqlite3", new / SECRET_FILE):
        assert restored.stat().st_mode & 0o077 == 0, restored
