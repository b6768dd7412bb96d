"""The public pages wired to the bot's database: one figure cache per process, fed by the
reports' arithmetic after the anonymous answers due for release are released (as the CLI does)."""

from __future__ import annotations

from datetime import datetime

from starlette.routing import Mount

from bot.anonymous_storage import tidy
from bot.services import Services
from reports.plan import load_plan
from web.app import public_app
from web.cache import FigureCache
from web.source import from_database


def this_year(services: Services) -> int:
    """The year the pages show by default: the current one, on the municipality's calendar."""
    return datetime.now(services.zone).year


def public_mount(services: Services, default_year: int | None = None) -> tuple[Mount, FigureCache]:
    """The public pages as a mount for the process's web app, and the cache to tell of changes."""
    cache = FigureCache(from_database(services.sessions, services.zone, before=lambda: tidy(services, services.clock()),
                                      clock=services.clock))
    plan_years = sorted({year for indicator in load_plan().indicators for year in indicator.years})
    year = this_year(services) if default_year is None else default_year
    https = (services.settings.public_url or "").startswith("https://")
    return Mount("", app=public_app(cache, year, services.zone, plan_years, https=https)), cache
