"""/healthz and /metrics over real HTTP: the webhook worker serves them beside the webhook,
`kentbot run` serves them on KENTBOT_HEALTH_PORT while polling; /healthz answers 503 when the
database cannot be used (unreachable, or its schema not the code's)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot.services import Services, build_services
from bot.web.app import create_web_app
from bot.web.health import health_routes
from bot.web.server import listening_socket, serving
from devtools.emulator import SimulatedUser
from storage.database import create_engine
from storage.migrate import head_revision, upgrade
from storage.models import OutboxMessage, ReportRun
from tests.conftest import BOT_TOKEN, TEST_SECRET, Database, make_settings

WAIT_SECONDS = 30.0


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def base_url(webhook_url: str) -> str:
    return webhook_url.rsplit("/", 1)[0]


async def scrape_until(http: httpx.AsyncClient, url: str, ready: Callable[[dict[Any, float]], bool]) -> dict[Any, float]:
    """/metrics once `ready` holds for it (the counters move when the turn ends, just after its reply)."""
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while True:
        response = await http.get(f"{url}/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        found = samples(response.text)
        if ready(found) or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_an_update_through_the_webhook_is_counted_and_timed(webhook_bot) -> None:
    url = base_url(webhook_bot.url)
    citizen = webhook_bot.citizen(7401)
    await citizen.send("/start")
    await citizen.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=WAIT_SECONDS)
    async with httpx.AsyncClient() as http:
        found = await scrape_until(http, url, lambda s: s.get(("kentbot_turn_seconds_count", ())) == 1)
    assert found[("kentbot_updates_handled_total", (("kind", "message"),))] == 1
    assert found[("kentbot_updates_handled_total", (("kind", "callback_query"),))] == 0
    assert found[("kentbot_turn_seconds_count", ())] == 1
    assert 0 < found[("kentbot_turn_seconds_sum", ())] < WAIT_SECONDS
    assert found[("kentbot_telegram_errors_total", (("kind", "forbidden"),))] == 0
    assert found[("kentbot_outbox_pending", ())] == 0
    assert found[("kentbot_weekly_report_last_queued_timestamp_seconds", ())] == 0


async def test_a_reply_lost_to_the_network_counts_as_a_network_error(webhook_bot) -> None:
    # The first try and both retries fail: delivery gives up and classifies the failure once.
    await webhook_bot.emulator.set_faults(mode="error", status=502, next_n=3, methods=["sendmessage"])
    await webhook_bot.citizen(7402).send("/start")
    async with httpx.AsyncClient() as http:
        found = await scrape_until(
            http, base_url(webhook_bot.url), lambda s: s.get(("kentbot_turn_seconds_count", ())) == 1
        )
    assert found[("kentbot_telegram_errors_total", (("kind", "network"),))] == 1
    assert found[("kentbot_telegram_errors_total", (("kind", "bad_request"),))] == 0


async def test_an_outbox_message_to_a_person_who_blocked_the_bot_counts_as_forbidden(webhook_bot) -> None:
    citizen = webhook_bot.citizen(7404)
    await citizen.register()
    await citizen.block()
    async with webhook_bot.services.sessions.begin() as session:
        session.add(outbox_row("to-a-blocked-person", datetime.now(timezone.utc), chat_id=citizen.user_id))
    async with httpx.AsyncClient() as http:
        found = await scrape_until(
            http, base_url(webhook_bot.url),
            lambda s: s.get(("kentbot_telegram_errors_total", (("kind", "forbidden"),))) == 1,
        )
    assert found[("kentbot_telegram_errors_total", (("kind", "forbidden"),))] == 1
    assert found[("kentbot_updates_handled_total", (("kind", "message"),))] == 0


async def test_healthz_of_a_serving_worker_is_200_with_every_field(webhook_bot) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{base_url(webhook_bot.url)}/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": {"reachable": True},
        "migration": {"state": "current", "revision": head_revision(), "head": head_revision()},
        "outbox": {"pending": 0, "oldest_pending_age_seconds": 0.0},
    }


@asynccontextmanager
async def health_server(services: Services) -> AsyncIterator[str]:
    """Only the health routes, for databases no bot could start on."""
    sock = listening_socket("127.0.0.1", 0)
    try:
        async with serving(create_web_app(health_routes(services)), sock, grace=5.0):
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await services.close()


def outbox_row(key: str, not_before: datetime, chat_id: int = 1) -> OutboxMessage:
    return OutboxMessage(
        dedupe_key=key, chat_id=chat_id, kind="notice", payload={"text": "x"}, status="pending",
        not_before=not_before, created_at=not_before,
    )


async def test_the_outbox_backlog_and_the_last_weekly_report_are_read_from_the_database(db: Database, tmp_path: Path) -> None:
    now = datetime.now(timezone.utc)
    ran_at = now - timedelta(days=2)
    async with db.sessions.begin() as session:
        session.add_all([
            outbox_row("late", now - timedelta(minutes=10)),
            outbox_row("due", now - timedelta(seconds=5)),
            outbox_row("later", now + timedelta(hours=1)),  # scheduled, not late
        ])
        session.add(ReportRun(week="2026-W47", period_from=now.date(), period_to=now.date(), recipients=1, ran_at=ran_at))
    services = build_services(make_settings(db, "http://127.0.0.1:9", tmp_path))
    async with health_server(services) as url, httpx.AsyncClient() as http:
        health = (await http.get(f"{url}/healthz")).json()
        found = samples((await http.get(f"{url}/metrics")).text)
    assert health["outbox"]["pending"] == 2
    assert 600 <= health["outbox"]["oldest_pending_age_seconds"] < 600 + WAIT_SECONDS
    assert found[("kentbot_outbox_pending", ())] == 2
    assert 600 <= found[("kentbot_outbox_oldest_pending_age_seconds", ())] < 600 + WAIT_SECONDS
    assert found[("kentbot_weekly_report_last_queued_timestamp_seconds", ())] == pytest.approx(ran_at.timestamp(), abs=1e-3)


async def test_healthz_is_503_on_a_database_behind_the_code(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    try:
        await upgrade(engine, "0010")
    finally:
        await engine.dispose()
    services = build_services(make_settings(Database("sqlite", url, None, None), "http://127.0.0.1:9", tmp_path))  # type: ignore[arg-type]
    async with health_server(services) as base, httpx.AsyncClient() as http:
        response = await http.get(f"{base}/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": {"reachable": True},
        "migration": {"state": "behind", "revision": "0010", "head": head_revision()},
        "outbox": None,
    }


async def test_healthz_is_503_on_a_database_ahead_of_the_code(db: Database, tmp_path: Path) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        services = build_services(make_settings(db, "http://127.0.0.1:9", tmp_path))
        async with health_server(services) as base, httpx.AsyncClient() as http:
            response = await http.get(f"{base}/healthz")
    finally:  # the PostgreSQL database is shared by the session's tests
        async with db.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
    assert response.status_code == 503
    assert response.json()["migration"] == {"state": "ahead", "revision": "9999", "head": head_revision()}


async def test_healthz_is_503_and_metrics_still_served_when_the_database_is_unreachable(tmp_path: Path) -> None:
    gone = tmp_path / "removed"
    gone.mkdir()
    url = f"sqlite+aiosqlite:///{gone / 'kentbot.sqlite3'}"
    shutil.rmtree(gone)
    services = build_services(make_settings(Database("sqlite", url, None, None), "http://127.0.0.1:9", tmp_path))  # type: ignore[arg-type]
    async with health_server(services) as base, httpx.AsyncClient() as http:
        health = await http.get(f"{base}/healthz")
        metrics = await http.get(f"{base}/metrics")
    assert health.status_code == 503
    assert health.json() == {
        "database": {"reachable": False},
        "migration": {"state": "unknown", "revision": None, "head": head_revision()},
        "outbox": None,
    }
    assert metrics.status_code == 200
    found = samples(metrics.text)
    assert found[("kentbot_updates_handled_total", (("kind", "message"),))] == 0
    assert found[("kentbot_outbox_pending", ())] != found[("kentbot_outbox_pending", ())]  # NaN: not known


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_kentbot_run_serves_health_on_its_own_port_while_polling(emulator_client, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}"
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))}
    environment.update({
        "DATABASE_URL": database, "KENTBOT_DATA_DIR": str(tmp_path), "KENTBOT_SECRET": TEST_SECRET,
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": emulator_client.base_url,
        "KENTBOT_KVKK_NOTICE": os.environ["KENTBOT_KVKK_NOTICE"], "KENTBOT_REPLY_RATE": "0",
        "KENTBOT_HEALTH_PORT": str(port),
    })
    upgraded = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot.cli", "db", "upgrade"], env=environment, capture_output=True, timeout=120
    )
    assert upgraded.returncode == 0, upgraded.stderr
    log = (tmp_path / "bot.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        response = None
        async with httpx.AsyncClient() as http:
            deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
            while response is None and asyncio.get_running_loop().time() < deadline and process.poll() is None:
                try:
                    response = await http.get(f"http://127.0.0.1:{port}/healthz")
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert response is not None, (tmp_path / "bot.log").read_text()
            assert response.status_code == 200
            assert response.json()["migration"]["state"] == "current"
            citizen = SimulatedUser(emulator_client, 7403, "Ayşe", "tr")
            await citizen.send("/start")
            found = await scrape_until(
                http, f"http://127.0.0.1:{port}",
                lambda s: s.get(("kentbot_updates_handled_total", (("kind", "message"),))) == 1,
            )
        assert found[("kentbot_updates_handled_total", (("kind", "message"),))] == 1
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 60) == 0
        log.close()
