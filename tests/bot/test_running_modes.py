"""Start-up: a missing or rejected token, or a wrong setting, is one clear line and exit code 2."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE


def run_kentbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    environment.update({"KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def kentbot_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("kentbot:")]


def test_missing_token(tmp_path: Path) -> None:
    result = run_kentbot(["run"], {"KENTBOT_DATA_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == ["kentbot: TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it"]


def test_wrong_setting_names_the_variable(tmp_path: Path) -> None:
    result = run_kentbot(["run"], {"KENTBOT_TIMEZONE": "Europe/Izmir", "KENTBOT_DATA_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == ["kentbot: KENTBOT_TIMEZONE: unknown time zone 'Europe/Izmir'"]
    result = run_kentbot(["db", "upgrade"], {"DATABASE_URL": "mysql://x/y"}, tmp_path)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def test_a_missing_notice_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "ihbar.yaml"
    result = run_kentbot(["centre", "list"], {"KENTBOT_KVKK_NOTICE": str(missing), "KENTBOT_DATA_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == [f"kentbot: KENTBOT_KVKK_NOTICE: {missing}: the KVKK notice file does not exist"]


async def test_rejected_token_against_the_emulator(emulator_client, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"
    env = {"DATABASE_URL": database, "KENTBOT_DATA_DIR": str(tmp_path), "KENTBOT_SECRET": "s" * 20}
    upgraded = await asyncio.to_thread(run_kentbot, ["db", "upgrade"], env, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    env.update({"TELEGRAM_BOT_TOKEN": "42:not-the-right-token", "TELEGRAM_API_BASE_URL": emulator_client.base_url})
    result = await asyncio.to_thread(run_kentbot, ["run"], env, tmp_path)
    assert result.returncode == 2
    lines = kentbot_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("kentbot: TELEGRAM_BOT_TOKEN was rejected by http://127.0.0.1:")


async def test_unmigrated_database_is_refused(emulator_client, tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}",
        "KENTBOT_DATA_DIR": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token",
        "TELEGRAM_API_BASE_URL": emulator_client.base_url,
    }
    result = await asyncio.to_thread(run_kentbot, ["run"], env, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == ["kentbot: the database schema is not up to date: run `kentbot db upgrade`"]
    secret = tmp_path / "kentbot.secret"
    assert secret.exists() and oct(secret.stat().st_mode & 0o777) == "0o600"


async def test_commands_are_set_per_language(live_bot) -> None:
    for language, expected in (("ar", "البدء"), ("en", "Start"), ("tr", "Başla"), ("de", "Başla")):
        user = live_bot.citizen(8800 + len(language) + ord(language[0]), language)
        await user.register()
        commands = await live_bot.emulator.commands(user.user_id)
        described = {c["command"]: c["description"] for c in commands["commands"]}
        assert described["start"] == expected
        if language in ("en", "ar"):
            assert set(described) == {"start", "events", "member", "language", "help", "notice", "consents", "cancel", "forget", "exit"}
        else:  # Turkish, and the Turkish default for any other language
            assert set(described) == {"start", "etkinlikler", "uye", "dil", "yardim", "aydinlatma", "izinler", "iptal", "sil", "cikis"}


async def test_a_changed_survey_that_kept_its_version_is_refused(emulator_client, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"
    env = {"DATABASE_URL": database, "KENTBOT_DATA_DIR": str(tmp_path), "KENTBOT_SECRET": "s" * 20}
    assert (await asyncio.to_thread(run_kentbot, ["db", "upgrade"], env, tmp_path)).returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "k.sqlite3") as connection:
        connection.execute(
            "INSERT INTO survey_definitions VALUES ('women_support', 3, 'a-different-hash', '4.2.5', 'anonymous', '{}', '2026-01-01 00:00:00')"
        )
    env.update({"TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token", "TELEGRAM_API_BASE_URL": emulator_client.base_url})
    result = await asyncio.to_thread(run_kentbot, ["run"], env, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == [
        "kentbot: survey 'women_support' version 3 differs from the stored one: give the changed file a new version"
    ]


def test_an_unreachable_bot_api_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token",
        "TELEGRAM_API_BASE_URL": closed,
        "KENTBOT_DATA_DIR": str(tmp_path),
        "KENTBOT_SECRET": "s" * 20,
    }
    result = run_kentbot(["run"], env, tmp_path)
    assert result.returncode == 2
    lines = kentbot_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"kentbot: cannot reach the Bot API at {closed}: ")


async def test_a_webhook_port_in_use_is_one_line(emulator_client, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"
    env = {"DATABASE_URL": database, "KENTBOT_DATA_DIR": str(tmp_path), "KENTBOT_SECRET": "s" * 20}
    assert (await asyncio.to_thread(run_kentbot, ["db", "upgrade"], env, tmp_path)).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env.update({
            "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token",
            "TELEGRAM_API_BASE_URL": emulator_client.base_url,
            "KENTBOT_WEBHOOK_URL": "https://kentbot.example",
            "KENTBOT_WEBHOOK_SECRET": "secret_1",
            "KENTBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "KENTBOT_WEBHOOK_PORT": str(port),
        })
        result = await asyncio.to_thread(run_kentbot, ["run", "--webhook"], env, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == [
        f"kentbot: cannot listen on 127.0.0.1:{port} (KENTBOT_WEBHOOK_LISTEN, KENTBOT_WEBHOOK_PORT): Address already in use"
    ]


async def test_a_webhook_telegram_refuses_is_one_line(emulator_client, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"
    env = {"DATABASE_URL": database, "KENTBOT_DATA_DIR": str(tmp_path), "KENTBOT_SECRET": "s" * 20}
    assert (await asyncio.to_thread(run_kentbot, ["db", "upgrade"], env, tmp_path)).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env.update({
        "TELEGRAM_BOT_TOKEN": "123456789:kentbot-test-token",
        "TELEGRAM_API_BASE_URL": emulator_client.base_url,
        "KENTBOT_WEBHOOK_URL": "ftp://kentbot.example",
        "KENTBOT_WEBHOOK_SECRET": "secret_1",
        "KENTBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "KENTBOT_WEBHOOK_PORT": str(port),
    })
    result = await asyncio.to_thread(run_kentbot, ["run", "--webhook"], env, tmp_path)
    assert result.returncode == 2
    assert kentbot_lines(result.stderr) == [
        "kentbot: Telegram refused the webhook ftp://kentbot.example/telegram (KENTBOT_WEBHOOK_URL, KENTBOT_WEBHOOK_SECRET): "
        "Bad webhook: webhook can be set up only on ports 80, 88, 443 or 8443"
    ]
