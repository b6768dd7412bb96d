"""The restore runbook of docs/operations.md, performed line by line: a backup made with
`kentbot backup`, restored into a new folder with its key, serves the same citizens under the
same pseudonyms and gives the same figures."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.config import SECRET_FILE, read_secret_file
from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from bot.consent.purposes import VERSION
from devtools.emulator import EmulatorClient, SimulatedUser
from storage.database import create_engine, session_factory
from storage.pseudonyms import citizen_key
from storage.repositories import citizens
from tests.conftest import BOT_TOKEN
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


async def kentbot(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Off the event loop: the emulator runs on it."""
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot.cli", *args], env=environment(KENTBOT_DATA_DIR=str(data_dir)),
        cwd=data_dir.parent, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


async def start_bot(emulator: EmulatorClient, data_dir: Path) -> subprocess.Popen[bytes]:
    """`kentbot run` on the restored folder, once it polls the emulator."""
    calls = (await emulator.metrics())["method_calls"].get("getUpdates", 0)
    env = environment(
        KENTBOT_DATA_DIR=str(data_dir), TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_BASE_URL=emulator.base_url,
        KENTBOT_REPLY_RATE="0",
    )
    log = (data_dir.parent / "bot.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(1200):
        if (await emulator.metrics())["method_calls"].get("getUpdates", 0) > calls:
            return process
        assert process.poll() is None, (data_dir.parent / "bot.log").read_text()
        await asyncio.sleep(0.05)
    raise TimeoutError("the restored bot did not start polling")


async def fill(data_dir: Path) -> None:
    """A year of records, and a citizen half-way through a survey, keyed with the folder's key."""
    engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'kentbot.sqlite3'}")
    key = citizen_key(read_secret_file(data_dir / SECRET_FILE), TELEGRAM_ID)
    try:
        async with session_factory(engine).begin() as session:
            await seed(session)
            profile = citizens.Profile("en", {"survey": {"version": VERSION, "at": "2026-11-20T10:00:00+00:00"}})
            await citizens.save(
                session, key, profile, citizens.Stored(STATE, [], []), datetime.now(timezone.utc), was=(None, None)
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


async def test_a_backup_restored_by_the_runbook_continues_with_the_same_people_and_figures(
    emulator_client: EmulatorClient, tmp_path: Path
) -> None:
    old, new, kept = tmp_path / "old" / "data", tmp_path / "restored", tmp_path / "backups"
    old.parent.mkdir()
    kept.mkdir()  # the operator makes the backup folder; kentbot refuses a missing one
    await kentbot(old, "db", "upgrade")  # no KENTBOT_SECRET: the key is generated into the data folder
    await fill(old)
    figures = (await kentbot(old, "indicators", "--year", str(YEAR), "--json")).stdout
    assert '"4.2.9"' in figures
    before = await citizen_of(old)

    await kentbot(old, "backup", "--out", str(kept / "kentbot.sqlite3"))
    shutil.copy2(old / SECRET_FILE, kept / SECRET_FILE)
    shutil.rmtree(tmp_path / "old")  # the machine is gone: only the backups are left

    steps = await asyncio.to_thread(
        subprocess.run, ["bash", "-euo", "pipefail", "-c", restore_steps()], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, env=environment(BACKUP=str(kept / "kentbot.sqlite3"), KEY=str(kept / SECRET_FILE), NEW_DATA=str(new)),
    )
    assert steps.returncode == 0, steps.stderr
    assert "(up to date)" in steps.stdout

    assert (await kentbot(new, "indicators", "--year", str(YEAR), "--json")).stdout == figures
    profile, conversation = await citizen_of(new)
    assert (profile, conversation) == before
    assert profile is not None and profile.language == "en"
    assert conversation is not None and conversation.state == STATE
    for restored in (new, new / "kentbot.sqlite3", new / SECRET_FILE):
        assert restored.stat().st_mode & 0o077 == 0, restored

    # Started on the restored folder, the bot knows the citizen: their English, their consent.
    bot = await start_bot(emulator_client, new)
    try:
        citizen = SimulatedUser(emulator_client, TELEGRAM_ID, "Ayşe", "tr")
        await citizen.send("/consents")
        shown = await citizen.wait_for(lambda m: "The explicit consents you gave" in (m["text"] or ""), timeout=30)
        assert "Surveys (" in shown["text"]
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.to_thread(bot.wait, 30)
