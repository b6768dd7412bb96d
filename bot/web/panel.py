"""The web panel wired to the bot's database, clock and the public pages' figure cache, so the
dashboard shows the very figures the public pages show and a change made on the panel is
signalled to them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from bot.anonymous_storage import tidy
from bot.bot_username import resolve
from bot.chat import notices
from bot.config import ConfigError
from bot.services import Services
from bot.web.public import this_year
from web.cache import FigureCache
from web.panel.app import PanelSetup, panel_app


async def _to_dashboard(request: Request) -> Response:
    return RedirectResponse("/panel/", status_code=308)


async def _username(services: Services) -> str | None:
    """The username invite links name, as `kentbot staff invite` finds it; None when unknown."""
    try:
        return await resolve(services.settings, None)
    except ConfigError:
        return None


def panel_routes(services: Services, cache: FigureCache, default_year: int | None = None) -> list[BaseRoute]:
    """/panel/ and below, to come before the public pages' mount (which owns every other path)."""
    public_url = services.settings.public_url or ""
    setup = PanelSetup(
        sessions=services.sessions, clock=services.clock, zone=services.zone, cache=cache,
        default_year=this_year(services) if default_year is None else default_year,
        https=public_url.startswith("https://"), before=lambda: tidy(services, services.clock()),
        notify=lambda session, owed, now: notices.queue(session, owed, zone=services.zone, now=now),
        bot_username=lambda: _username(services), secret=services.secret,
        public_url=public_url or None,
    )
    return [Route("/panel", _to_dashboard, methods=["GET"]), Mount("/panel", app=panel_app(setup))]
