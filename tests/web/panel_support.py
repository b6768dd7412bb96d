"""The web panel served over real HTTP beside the real bot, which polls the Bot API emulator:
both share the database and a clock the test moves, as `kentbot web` and `kentbot run` would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest

from bot.services import Services, build_services
from bot.web.app import create_web_app
from bot.web.panel import panel_routes
from bot.web.public import public_mount
from bot.web.server import listening_socket, serving
from services import events, invites, panel_access
from services.roles import actor_for
from storage.centres import load_centres
from storage.models import StaffMember
from storage.repositories import centres
from tests.conftest import LiveBot, make_settings, running_bot
from tests.privacy.exit_erasure_support import MovableClock

YEAR = 2026
COOKIE = "kentbot_panel"
_LINK = re.compile(r"(http://\S+/panel/giris/[A-Za-z0-9_-]+)")
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class Panel:
    live: LiveBot
    client: httpx.AsyncClient
    clock: MovableClock
    url: str


@pytest.fixture
async def panel(db, emulator_client, tmp_path) -> AsyncIterator[Panel]:
    clock = MovableClock()
    sock = listening_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async for live in running_bot(db, emulator_client, tmp_path, clock=clock, KENTBOT_PUBLIC_URL=url):
        mount, cache = public_mount(live.services, YEAR)
        app = create_web_app([*panel_routes(live.services, cache, YEAR), mount])
        async with serving(app, sock, grace=1), httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield Panel(live, client, clock, url)


async def join(session, role: str, centre: str | None, user_id: int, now: datetime) -> StaffMember:
    made = await invites.create(session, role=role, centre_id=centre, hours=1, actor="cli:test", now=now)
    return await invites.redeem(session, code=made.code, telegram_user_id=user_id, display_name=f"Personel {user_id}",
                                language="tr", now=now)


async def seed_centres(session) -> None:
    await centres.sync(session, load_centres())


def women_event(centre: str, starts_at: datetime, title: str = "Atölye") -> events.Draft:
    return events.Draft(type="women", centre_id=centre, title=title, starts_at=starts_at, place="Salon", capacity=10,
                        audience="women", language="tr")


def link_in(text: str) -> str:
    found = _LINK.search(text)
    assert found is not None, text
    return found.group(1)


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, html
    return found.group(1)


def session_cookie(response: httpx.Response) -> str:
    """The session token the sign-in set, checked for the attributes a session cookie must have."""
    header = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes, header
    assert "samesite=strict" in header.lower() and "path=/panel" in header.lower(), header
    token = header.split(";")[0].split("=", 1)
    assert token[0] == COOKIE
    return token[1]


def signed(token: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token}"}


async def sign_in(client: httpx.AsyncClient, link: str) -> str:
    """Open the link as a browser would (the page, then its button) and return the session token."""
    path = link.split("127.0.0.1", 1)[1].split("/", 1)[1]
    page = await client.get(f"/{path}")
    assert page.status_code == 200 and f'<form method="post" action="/{path}">' in page.text
    response = await client.post(f"/{path}")
    assert response.status_code == 303, response.text
    client.cookies.clear()  # each request names its session itself
    return session_cookie(response)


def later(clock: MovableClock, by: timedelta) -> None:
    clock.offset += by


@dataclass
class Served:
    """The panel and the public pages over real HTTP, without the bot: sessions are started
    through the same service a bot link leads to."""

    services: Services
    client: httpx.AsyncClient
    clock: MovableClock

    async def session_of(self, staff_id: int) -> str:
        async with self.services.sessions.begin() as session:
            member = await session.get(StaffMember, staff_id)
            assert member is not None
            link = await panel_access.issue_link(session, await actor_for(session, member), self.clock())
            token = await panel_access.redeem_link(session, link, self.clock())
        assert token is not None
        return token


async def _served(db, tmp_path, **settings: str) -> AsyncIterator[Served]:
    clock = MovableClock()
    services = build_services(make_settings(db, "http://127.0.0.1:9", tmp_path, **settings), clock)
    sock = listening_socket("127.0.0.1", 0)
    try:
        mount, cache = public_mount(services, YEAR)
        app = create_web_app([*panel_routes(services, cache, YEAR), mount])
        async with serving(app, sock, grace=1), \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as client:
            yield Served(services, client, clock)
    finally:
        await services.close()


@pytest.fixture
async def served(db, tmp_path) -> AsyncIterator[Served]:
    async for site in _served(db, tmp_path):
        yield site


@pytest.fixture
async def served_behind_tls(db, tmp_path) -> AsyncIterator[Served]:
    """As a TLS proxy serves it: plain HTTP inside, an https public address outside."""
    async for site in _served(db, tmp_path, KENTBOT_PUBLIC_URL="https://kentbot.example.org"):
        yield site
