"""The staff panel as staff meet it: the Bot API emulator, `kentbot run` polling it and
`kentbot web` serving the panel, each its own process on one seeded database, as an operator
runs them; Chromium opens the link the bot sends in reply to /panel and presses *Giriş yap*.

One set of processes per backend serves the whole session (started on first use, stopped when
the session ends). Each test signs in its own members, so the tests stay apart on one database."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from playwright.sync_api import Page
from sqlalchemy.ext.asyncio import AsyncSession

from devtools.browser.server import free_port, web_server
from devtools.emulator import EmulatorClient, SimulatedUser
from services import events, invites, registrations
from services.roles import actor_for
from storage.database import create_engine, session_factory
from storage.models import StaffMember
from tests.conftest import TEST_SECRET, fresh_postgres_database, run_isolated
from tests.reports.reports_db_sample import YEAR, seed

T = TypeVar("T")
BOT_TOKEN = "123456789:kentbot-panel-browser"
OWN_CENTRE, OTHER_CENTRE = "konak-kadin", "buca-engelli"
LINK = re.compile(r"(http://\S+/panel/giris/[A-Za-z0-9_-]+)")
START_SECONDS = 60.0
# How often a wait for another process asks again.
POLL_INTERVAL = 0.05
# How long a person waits for the bot's answer before the test says the bot is not answering.
ANSWER_SECONDS = 30.0


@dataclass(frozen=True)
class Member:
    """A staff account and the Telegram user behind it."""

    user_id: int
    role: str
    language: str
    centre: str | None = None


# The members the accessibility and layout tests sign in as (one per role and language), and
# those each flow uses alone. Staff work at the Konak women's centre.
MEMBERS: dict[str, Member] = {
    **{
        f"{role}-{language}": Member(
            7100 + 10 * number + index, role, language, OWN_CENTRE if role == "staff" else None
        )
        for number, role in enumerate(("manager", "admin", "staff"))
        for index, language in enumerate(("tr", "en", "ar"))
    },
    "planner": Member(7201, "manager", "tr"),
    "guarded": Member(7202, "manager", "tr"),
    "attendant": Member(7203, "staff", "tr", OWN_CENTRE),
    "leaver": Member(7204, "staff", "tr", OWN_CENTRE),
}
# Events starting in half an hour: attendance may be taken from two hours before the start.
EVENTS = {"to_hold": OWN_CENTRE, "to_show": OWN_CENTRE, "elsewhere": OTHER_CENTRE}
EVENT_TYPES = {OWN_CENTRE: "women", OTHER_CENTRE: "disability_activity"}
# The people registered for each of them (Telegram user id: name), for the roll call.
REGISTERED = {8801: "Zeynep Kaya", 8802: "Fatma Demir"}


@dataclass
class PanelSite:
    """The three processes on one backend, the ids of what was seeded, and how to run a command
    as an operator would on the same settings."""

    backend: str
    base_url: str
    emulator_url: str
    environment: dict[str, str]
    staff_ids: dict[str, int]
    event_ids: dict[str, int]
    # An aid entry at the staff's own centre, from the sample year.
    entry_id: int

    def url(self, path: str) -> str:
        return self.base_url + path

    def kentbot(self, *args: str) -> str:
        """Run a `kentbot` command on this site's settings; its output, once it succeeded."""
        command = [sys.executable, "-m", "bot.cli", *args]
        run = subprocess.run(
            command, env={**os.environ, **self.environment}, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, f"kentbot {' '.join(args)}: {run.stdout}{run.stderr}"
        return run.stdout

    def database(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in one transaction on this site's database, beside its processes."""
        return cast(T, run_isolated(_in_transaction(self.environment["DATABASE_URL"], work)))

    def revoke(self, name: str) -> None:
        """Take the member's rights away, as `kentbot staff revoke` does."""
        staff_id = self.staff_ids[name]
        self.database(
            lambda session: invites.revoke(session, staff_id=staff_id, actor="cli:test", now=datetime.now(timezone.utc))
        )

    def indicators(self) -> dict[str, Any]:
        """`kentbot indicators --json` for the year the panel shows."""
        document: dict[str, Any] = json.loads(self.kentbot("indicators", "--json", "--year", str(YEAR)))
        return document

    def link_for(self, name: str) -> str:
        """The member sends /panel to the bot through the emulator; the link in its answer."""
        return str(run_isolated(_ask_for_link(self.emulator_url, MEMBERS[name], name)))

    def sign_in(self, page: Page, name: str) -> None:
        """Open the bot's link in the browser and press the page's one button, as a person would."""
        page.goto(self.link_for(name))
        page.locator("main form button").click()
        page.wait_for_url(self.url("/panel/"))


async def _in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            return await work(session)
    finally:
        await engine.dispose()


async def _ask_for_link(emulator_url: str, member: Member, name: str) -> str:
    async with EmulatorClient(emulator_url) as client:
        user = SimulatedUser(client, member.user_id, name.title(), member.language)
        shown = {message["message_id"] for message in await user.bot_messages()}
        await user.send("/panel")
        answer = await user.wait_for(
            lambda message: message["message_id"] not in shown and "/panel/giris/" in (message.get("text") or ""),
            timeout=ANSWER_SECONDS,
        )
    found = LINK.search(answer["text"])
    assert found is not None, answer["text"]
    return found.group(1)


async def _seed(session: AsyncSession, now: datetime) -> tuple[dict[str, int], dict[str, int], int]:
    """The reports' sample year, every member of MEMBERS (through an invite each, as in chat),
    and today's events of EVENTS, created and published by an admin, with REGISTERED's places
    taken on each."""
    sample = await seed(session)
    staff_ids = {}
    for name, member in MEMBERS.items():
        made = await invites.create(
            session, role=member.role, centre_id=member.centre, hours=1, actor="cli:test", now=now
        )
        joined = await invites.redeem(
            session,
            code=made.code,
            telegram_user_id=member.user_id,
            display_name=name.title(),
            language=member.language,
            now=now,
        )
        staff_ids[name] = joined.id
    admin = await actor_for(session, await session.get_one(StaffMember, staff_ids["admin-tr"]))
    people = [
        await registrations.ensure_person(
            session,
            citizen_key=f"browser-{user_id}",
            telegram_user_id=user_id,
            display_name=name,
            language="tr",
            now=now,
        )
        for user_id, name in REGISTERED.items()
    ]
    event_ids = {}
    for name, centre in EVENTS.items():
        draft = events.Draft(
            type=EVENT_TYPES[centre],
            centre_id=centre,
            title=f"Etkinlik {name}",
            starts_at=now + timedelta(minutes=30),
            place="Salon",
            capacity=20,
            audience="all",
            language="tr",
        )
        event_ids[name] = (await events.create(session, admin, draft, publish=True, now=now)).id
        for person in people:
            await registrations.register(session, event_id=event_ids[name], person_id=person.id, now=now)
    return staff_ids, event_ids, sample["fixed"]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _emulator(log: Path) -> Iterator[str]:
    """`python -m devtools.emulator` on a free port, without flood limits; it prints its URL first."""
    command = [
        sys.executable,
        "-m",
        "devtools.emulator",
        "--port",
        "0",
        "--token",
        BOT_TOKEN,
        "--rate",
        "0",
        "--per-chat",
        "0",
    ]
    with log.open("ab") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the Bot API emulator did not start:\n{log.read_text(errors='replace')[-3000:]}")
        yield url
    finally:
        _stop(process)


@contextmanager
def _bot(environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`kentbot run`, polling the emulator, started now and stopped when the block ends."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env={**os.environ, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        _stop(process)


async def _wait_until_polling(emulator_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the emulator has seen the bot's first getUpdates; a bot that exits fails at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_SECONDS
    async with EmulatorClient(emulator_url) as client:
        while (await client.metrics())["method_calls"].get("getUpdates", 0) == 0:
            if process.poll() is not None:
                raise RuntimeError(
                    f"`kentbot run` exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
                )
            if loop.time() > deadline:
                raise TimeoutError(f"`kentbot run` did not poll the emulator in {START_SECONDS:.0f} s")
            await asyncio.sleep(POLL_INTERVAL)


class PanelSites:
    """Starts one site per backend when a test first asks for it."""

    def __init__(self, stack: ExitStack, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
        self.stack, self.tmp_path_factory, self.request = stack, tmp_path_factory, request
        self.running: dict[str, PanelSite] = {}
        self.failed: dict[str, Exception] = {}

    def get(self, backend: str) -> PanelSite:
        """The backend's site, started on first use; a site that failed to start is not tried again."""
        if backend in self.failed:
            raise self.failed[backend]
        if backend not in self.running:
            try:
                self.running[backend] = self._start(backend)
            except Exception as error:
                self.failed[backend] = error
                raise
        return self.running[backend]

    def _start(self, backend: str) -> PanelSite:
        folder = self.tmp_path_factory.mktemp(f"panel-{backend}")
        if backend == "sqlite":
            path = folder / "kentbot.sqlite3"
            shutil.copy(self.request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite+aiosqlite:///{path}"
        else:
            url = self.stack.enter_context(fresh_postgres_database())
        now = datetime.now(timezone.utc)
        staff_ids, event_ids, entry_id = cast(
            tuple[dict[str, int], dict[str, int], int],
            run_isolated(_in_transaction(url, lambda session: _seed(session, now))),
        )
        emulator_url = self.stack.enter_context(_emulator(folder / "emulator.log"))
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        environment = {
            "DATABASE_URL": url,
            "KENTBOT_SECRET": TEST_SECRET,
            "KENTBOT_DATA_DIR": str(folder / "data"),
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": emulator_url,
            "KENTBOT_REPLY_RATE": "0",
            "KENTBOT_PUBLIC_URL": base_url,
        }
        # The bot starts while the web server does: each takes seconds to import what it needs.
        bot = self.stack.enter_context(_bot(environment, folder / "bot.log"))
        self.stack.enter_context(web_server(environment, folder / "web.log", "--year", str(YEAR), port=port))
        run_isolated(_wait_until_polling(emulator_url, bot, folder / "bot.log"))
        return PanelSite(backend, base_url, emulator_url, environment, staff_ids, event_ids, entry_id)
