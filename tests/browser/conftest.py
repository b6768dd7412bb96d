"""The public pages as a person meets them: `kentbot web` as its own process over a seeded
database, opened in Debian's headless Chromium; the figures they must show come from
`kentbot indicators --json`, another process on the same database.

One server per backend serves the whole session (it starts on first use and stops when the
session ends), and one browser each test module. The staff panel's tests get their own set of
processes per backend, the bot beside the web server (`panel_site.py`), for the session too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from devtools.browser import chromium
from devtools.browser.server import web_server
from storage.database import create_engine, session_factory
from storage.repositories import plan
from tests.browser.panel_site import PanelSite, PanelSites
from tests.conftest import BACKENDS, TEST_SECRET, fresh_postgres_database, run_isolated
from tests.reports.reports_db_sample import YEAR, seed

LANGUAGES = ("tr", "en", "ar")


# The server shows YEAR by default; the year before it has a planned value and a few rows too,
# for a visitor to pick.
EARLIER_YEAR = YEAR - 1


@dataclass(frozen=True)
class Site:
    """A running `kentbot web` and what `kentbot indicators --json` says about the same
    database, for YEAR and EARLIER_YEAR."""

    backend: str
    base_url: str
    figures: dict[int, dict[str, Any]]

    def url(self, path: str) -> str:
        return self.base_url + path


def home_path(language: str) -> str:
    return "/" if language == "tr" else f"/{language}"


def detail_path(language: str, code: str) -> str:
    return f"/gosterge/{code}" if language == "tr" else f"/{language}/gosterge/{code}"


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            await seed(session)
            await plan.set_value(session, code="4.2.3", year=EARLIER_YEAR, planned=120, baseline=None, actor="test",
                                 now=datetime(EARLIER_YEAR, 1, 2, tzinfo=timezone.utc))
    finally:
        await engine.dispose()


def _indicators_json(environment: dict[str, str], year: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bot.cli", "indicators", "--json", "--year", str(year)]
    run = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


class Sites:
    """Starts one server per backend when a test first asks for it."""

    def __init__(self, stack: ExitStack, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
        self.stack, self.tmp_path_factory, self.request = stack, tmp_path_factory, request
        self.running: dict[str, Site] = {}
        self.failed: dict[str, Exception] = {}

    def get(self, backend: str) -> Site:
        """The backend's server, started on first use; a server that failed to start is not tried again."""
        if backend in self.failed:
            raise self.failed[backend]
        if backend not in self.running:
            try:
                self.running[backend] = self._start(backend)
            except Exception as error:
                self.failed[backend] = error
                raise
        return self.running[backend]

    def _start(self, backend: str) -> Site:
        folder = self.tmp_path_factory.mktemp(f"web-{backend}")
        if backend == "sqlite":
            path = folder / "kentbot.sqlite3"
            shutil.copy(self.request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite+aiosqlite:///{path}"
        else:
            url = self.stack.enter_context(fresh_postgres_database())
        run_isolated(_seed(url))
        environment = {"DATABASE_URL": url, "KENTBOT_SECRET": TEST_SECRET, "KENTBOT_DATA_DIR": str(folder / "data")}
        base_url = self.stack.enter_context(web_server(environment, folder / "web.log", "--year", str(YEAR)))
        return Site(backend, base_url, {year: _indicators_json(environment, year) for year in (YEAR, EARLIER_YEAR)})


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Sites]:
    with ExitStack() as stack:
        yield Sites(stack, tmp_path_factory, request)


@pytest.fixture(scope="session", params=BACKENDS)
def site(request: pytest.FixtureRequest, sites: Sites) -> Site:
    """The pages on each backend (SQLite; PostgreSQL too when it is configured)."""
    return sites.get(request.param)


@pytest.fixture(scope="session")
def sqlite_site(sites: Sites) -> Site:
    """The pages on SQLite, for what the backend cannot change: layout and accessibility."""
    return sites.get("sqlite")


@pytest.fixture(scope="session")
def panel_sites(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[PanelSites]:
    with ExitStack() as stack:
        yield PanelSites(stack, tmp_path_factory, request)


@pytest.fixture(scope="session", params=BACKENDS)
def panel_site(request: pytest.FixtureRequest, panel_sites: PanelSites) -> PanelSite:
    """The staff panel beside the bot on each backend (SQLite; PostgreSQL too when it is configured)."""
    return panel_sites.get(request.param)


@pytest.fixture(scope="session")
def sqlite_panel(panel_sites: PanelSites) -> PanelSite:
    """The staff panel on SQLite, for what the backend cannot change: layout and accessibility."""
    return panel_sites.get("sqlite")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one module's tests. Playwright's synchronous API keeps an event loop running
    in this thread while it is open: it must be closed before any asynchronous test runs."""
    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        yield launched
        launched.close()
