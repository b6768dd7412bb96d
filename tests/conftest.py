"""Shared fixtures: every storage and flow test runs on SQLite and, when
KENTBOT_TEST_POSTGRES_URL is set, on PostgreSQL too. If that variable is set and the server
cannot be reached, the run fails: it never silently skips."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application

from bot import connection_guard
from bot.app import build_application, post_init
from bot.clock import Clock, system_clock
from bot.config import Settings, load_settings
from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from bot.services import Services, build_services
from bot.updates.polling import Poller
from bot.web.app import create_web_app
from bot.web.health import health_routes
from bot.web.server import listening_socket, serving
from bot.web.telegram_webhook import WEBHOOK_PATH, telegram_webhook_route
from devtools.emulator import EmulatorClient, EmulatorConfig, SimulatedUser, start_emulator
from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Base
from tests.support.inprocess_bot_api import BOT_USER, InProcessBotApi

POSTGRES_ENV = "KENTBOT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]

# Every Telegram call made while its task holds a database connection is refused and noted here,
# by the test process and by every bot process it starts (they inherit the environment).
GUARD_FILE = Path(tempfile.mkdtemp(prefix="kentbot-guard-")) / "connections-held.log"
GUARD_FILE.touch()
os.environ[connection_guard.ENVIRONMENT_VARIABLE] = str(GUARD_FILE)
# The sample KVKK notice stands in for the controller's own, for the bots the tests start.
os.environ.setdefault("KENTBOT_KVKK_NOTICE", str(SAMPLE_NOTICE))


@pytest.fixture(autouse=True)
def no_connection_held_during_telegram_calls() -> Iterator[None]:
    """Fails the test if anything it ran called Telegram while holding a database connection."""
    before = GUARD_FILE.stat().st_size
    yield
    with GUARD_FILE.open(encoding="utf-8") as violations:
        violations.seek(before)
        noted = violations.read()
    assert not noted, f"Telegram was called while a database connection was held:\n{noted}"


@dataclass
class Database:
    backend: str
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


def run_isolated(coroutine) -> object:
    """Run a coroutine to completion on its own loop, even when called from inside a test's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file, copied for each test: migrations run once, tests stay apart."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    run_isolated(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session on the configured server, dropped afterwards."""
    with fresh_postgres_database() as url:
        yield url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, migrated database on the configured server, dropped when the block ends."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        # Only reachable by asking for PostgreSQL directly: the backends list leaves it out.
        pytest.fail(f"this test needs PostgreSQL: set {POSTGRES_ENV}", pytrace=False)
    admin_url = admin_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    name = f"kentbot_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(sql))
        finally:
            await engine.dispose()

    try:
        run_isolated(admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server must fail the run
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is unreachable: {exc}", pytrace=False)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    run_isolated(_migrate(url))
    yield url
    run_isolated(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _open_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database named by the fixture's parameter, emptied for the test and closed after it."""
    backend = request.param
    if backend == "sqlite":
        path = tmp_path / "kentbot.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        engine = create_engine(url)
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
    engine = create_engine(url)
    try:
        yield Database(backend=backend, url=url, engine=engine, sessions=session_factory(engine))
    finally:
        await engine.dispose()


db = pytest.fixture(params=BACKENDS, name="db")(_open_database)
# For scenarios only PostgreSQL has (several processes, dropped connections).
postgres_db = pytest.fixture(params=[b for b in BACKENDS if b == "postgresql"], name="postgres_db")(_open_database)


# --- The real bot, polling the Bot API emulator over real HTTP --------------------------------

BOT_TOKEN = "123456789:kentbot-test-token"
TEST_SECRET = "test-secret-0123456789abcdef"


@dataclass
class LiveBot:
    """A running kentbot application and the emulator it talks to."""

    emulator: EmulatorClient
    services: Services
    application: Application

    def citizen(self, user_id: int, language_code: str | None = "tr", first_name: str = "Ayşe") -> SimulatedUser:
        return SimulatedUser(self.emulator, user_id, first_name, language_code)


@pytest.fixture
async def emulator_client() -> AsyncIterator[EmulatorClient]:
    config = EmulatorConfig(tokens=(BOT_TOKEN,), global_rate=0, per_chat_rate=0)
    runner, url = await start_emulator("127.0.0.1", 0, config)
    client = EmulatorClient(url)
    try:
        yield client
    finally:
        await client.aclose()
        await runner.cleanup()


def make_settings(db: Database, base_url: str, data_dir: Path, **extra: str) -> Settings:
    return load_settings(
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_URL=db.url,
        KENTBOT_SECRET=TEST_SECRET,
        KENTBOT_DATA_DIR=str(data_dir),
        KENTBOT_REPLY_RATE=0,
        **extra,
    )


async def running_bot(
    db: Database, emulator_client: EmulatorClient, tmp_path: Path, *, clock: Clock = system_clock, **settings: str
) -> AsyncIterator[LiveBot]:
    """The real application polling the emulator, on `db`, as `kentbot run` does (with other
    `settings` or a `clock` a test moves, if given)."""
    services = build_services(make_settings(db, emulator_client.base_url, tmp_path, **settings), clock)
    application = build_application(services, BOT_TOKEN)
    async with application:
        await post_init(application)
        await application.start()
        stop = asyncio.Event()
        polling = asyncio.create_task(Poller(application, allowed_updates=None, timeout=1.0).run(stop, grace=10.0))
        try:
            yield LiveBot(emulator_client, services, application)
        finally:
            stop.set()
            await polling
            await application.stop()
    await services.close()


@pytest.fixture
async def live_bot(db: Database, emulator_client: EmulatorClient, tmp_path: Path) -> AsyncIterator[LiveBot]:
    async for bot in running_bot(db, emulator_client, tmp_path):
        yield bot


@pytest.fixture
async def postgres_live_bot(postgres_db: Database, emulator_client: EmulatorClient, tmp_path: Path) -> AsyncIterator[LiveBot]:
    async for bot in running_bot(postgres_db, emulator_client, tmp_path):
        yield bot


@dataclass
class WebhookBot(LiveBot):
    """The application behind its webhook route, which the emulator posts updates to."""

    url: str


WEBHOOK_SECRET = "test-webhook-secret_1"


@pytest.fixture
async def webhook_bot(db: Database, emulator_client: EmulatorClient, tmp_path: Path) -> AsyncIterator[WebhookBot]:
    """The real application behind the web server `kentbot run --webhook` serves (the webhook,
    /healthz and /metrics), on `db`."""
    services = build_services(make_settings(db, emulator_client.base_url, tmp_path))
    application = build_application(services, BOT_TOKEN)
    sock = listening_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/{WEBHOOK_PATH}"
    async with application:
        await post_init(application)
        await application.start()
        routes = [telegram_webhook_route(application, WEBHOOK_SECRET), *health_routes(services)]
        async with serving(create_web_app(routes), sock, grace=10.0):
            await application.bot.set_webhook(url, secret_token=WEBHOOK_SECRET)
            try:
                yield WebhookBot(emulator_client, services, application, url)
            finally:
                await application.bot.delete_webhook()
        await application.stop()
    await services.close()


# --- The same application, fed updates in process: no socket at all ---------------------------


class InProcessBot:
    """Feeds hand-made updates through `Application.process_update`; the Bot API answers in process."""

    def __init__(self, application: Application, api: InProcessBotApi, services: Services) -> None:
        self.application, self.api, self.services = application, api, services
        self._update_id = 1000
        self._message_id = 100000

    def _next_update_id(self) -> int:
        self._update_id += 1
        return self._update_id

    def user(self, user_id: int, language_code: str | None = "tr") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}

    def message_update(self, user_id: int, text: str | None = None, *, update_id: int | None = None,
                       language_code: str | None = "tr", extra: dict[str, Any] | None = None,
                       edited: bool = False) -> Update:
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": 1764000000,
            "chat": {"id": user_id, "type": "private"},
            "from": self.user(user_id, language_code),
            **(extra or {}),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if edited:
            message["edit_date"] = 1764000100
        key = "edited_message" if edited else "message"
        data = {"update_id": update_id or self._next_update_id(), key: message}
        return Update.de_json(data, self.application.bot)

    def callback_update(self, user_id: int, data: str, message_id: int, *, update_id: int | None = None) -> Update:
        payload = {
            "update_id": update_id or self._next_update_id(),
            "callback_query": {
                "id": str(uuid.uuid4()),
                "from": self.user(user_id),
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 1764000000,
                    "chat": {"id": user_id, "type": "private"},
                    "from": BOT_USER,
                    "text": "…",
                },
            },
        }
        return Update.de_json(payload, self.application.bot)

    async def feed(self, update: Update) -> None:
        await self.application.process_update(update)

    def last_live(self, chat_id: int) -> dict[str, Any]:
        """The newest message sent to the chat that has buttons (as Telegram returned it)."""
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and int(call.params["chat_id"]) == chat_id and call.params.get("reply_markup"):
                return call.result
        raise AssertionError("no message with buttons was sent")

    def texts(self, chat_id: int) -> list[str]:
        return [c.params.get("text", "") for c in self.api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


@pytest.fixture
async def inprocess_bot(db: Database, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    services = build_services(make_settings(db, "http://in-process.invalid", tmp_path))
    api = InProcessBotApi()
    application = build_application(services, BOT_TOKEN, request=api)
    async with application:
        await post_init(application)
        yield InProcessBot(application, api, services)
    await services.close()
