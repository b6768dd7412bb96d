"""`kentbot setup` makes the first admin's invite once, and the links commands print name the
bot Telegram says the token belongs to (getMe, answered by the emulator)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from services import invites
from storage.models import Invite
from tests.conftest import BOT_TOKEN

EMULATOR_BOT = "kentbot_emulator_bot"
SECRET = "setup-secret-0123456789abcdef"


def kentbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    environment.update({"KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), "KENTBOT_SECRET": SECRET, "KENTBOT_DATA_DIR": str(cwd), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def one_line_refusal(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("kentbot:")]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


async def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(kentbot, args, env, cwd)


async def test_setup_invites_the_first_admin_once(db, emulator_client, tmp_path: Path) -> None:
    env = {"DATABASE_URL": db.url, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": emulator_client.base_url}
    first = await run(["setup", "--hours", "2"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    link = next(line.strip() for line in first.stdout.splitlines() if "https://t.me/" in line)
    assert link.startswith(f"https://t.me/{EMULATOR_BOT}?start=inv_")
    for step in ("kentbot run", "Open the link above in Telegram", "/subscribe"):
        assert step in first.stdout
    async with db.sessions.begin() as session:
        (stored,) = (await session.execute(select(Invite))).scalars().all()
        assert stored.role == "admin"
        # The invite is not used yet: a second setup may make another one.
    again = await run(["setup"], env, tmp_path)
    assert again.returncode == 0, again.stderr

    async with db.sessions.begin() as session:
        member = await invites.redeem(
            session, code=link.split("inv_", 1)[1], telegram_user_id=4001, display_name="Deniz", language="tr",
            now=datetime.now(timezone.utc),
        )
        assert member.role == "admin"
    refusal = one_line_refusal(await run(["setup"], env, tmp_path))
    assert "set up already" in refusal and "kentbot staff invite" in refusal
    async with db.sessions.begin() as session:
        assert len((await session.execute(select(Invite))).scalars().all()) == 2


async def test_the_username_comes_from_telegram_when_a_token_is_set(emulator_client, tmp_path: Path) -> None:
    telegram = {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": emulator_client.base_url}
    asked = await run(["survey", "link", "disability_centre"], telegram, tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith(f"https://t.me/{EMULATOR_BOT}?start=")
    agreeing = await run(["survey", "link", "disability_centre", "--bot-username", f"@{EMULATOR_BOT}"], telegram, tmp_path)
    assert agreeing.stdout == asked.stdout

    other = one_line_refusal(await run(["survey", "link", "disability_centre", "--bot-username", "izmirbot"], telegram, tmp_path))
    assert f"--bot-username is @izmirbot, but TELEGRAM_BOT_TOKEN belongs to @{EMULATOR_BOT}" in other
    setting = one_line_refusal(await run(["survey", "link", "disability_centre"], {**telegram, "KENTBOT_BOT_USERNAME": "izmirbot"}, tmp_path))
    assert "KENTBOT_BOT_USERNAME is @izmirbot" in setting

    wrong_token = one_line_refusal(await run(["survey", "link", "disability_centre"], {**telegram, "TELEGRAM_BOT_TOKEN": "1:wrong"}, tmp_path))
    assert "does not accept TELEGRAM_BOT_TOKEN" in wrong_token and "1:wrong" not in wrong_token


async def test_without_a_token_the_setting_names_the_bot(tmp_path: Path) -> None:
    from_setting = await run(["survey", "link", "disability_centre"], {"KENTBOT_BOT_USERNAME": "@izmirbot"}, tmp_path)
    assert from_setting.returncode == 0, from_setting.stderr
    assert from_setting.stdout.startswith("https://t.me/izmirbot?start=")
    given = await run(["survey", "link", "disability_centre", "--bot-username", "ankarabot"], {"KENTBOT_BOT_USERNAME": "izmirbot"}, tmp_path)
    assert given.stdout.startswith("https://t.me/ankarabot?start=")
    missing = one_line_refusal(await run(["survey", "link", "disability_centre"], {}, tmp_path))
    assert "set TELEGRAM_BOT_TOKEN" in missing and "KENTBOT_BOT_USERNAME" in missing
