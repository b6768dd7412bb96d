"""The public pages' routes: the target in three languages, İNCELE per indicator, open data.

Every handler reads the cached figures (web.cache) and renders a template with aggregates
only; a bad year or an unknown code gets a page that says so, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from reports.cell_text import csv_row
from reports.document import OPEN_FIELDS
from web import views
from web.cache import FigureCache
from web.figures import YearFigures
from web.headers import SecurityHeaders
from web.texts import LANGUAGES, words

HERE = Path(__file__).parent
_YEAR = re.compile(r"^[0-9]{4}$")
CACHE_CONTROL = "public, max-age=60"

_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
    trim_blocks=True, lstrip_blocks=True,
)


class BadYear(HTTPException):
    """`?yil=` that is not a four-digit year (never echoed back: it is whatever was sent)."""

    def __init__(self) -> None:
        super().__init__(400)


class YearNotShown(HTTPException):
    """A year outside the plan's first to the current one: each year shown is computed and
    kept, so the years asked for must be few."""

    def __init__(self) -> None:
        super().__init__(404)


def year_range(default_year: int, plan_years: Sequence[int], zone: ZoneInfo) -> tuple[int, int]:
    """The years the pages show: from the plan's first to the current one (or the default, if later)."""
    return min([*plan_years, default_year]), max(datetime.now(zone).year, default_year)


def requested_year(request: Request, default_year: int, shown: tuple[int, int]) -> int:
    given = request.query_params.get("yil")
    if given is None:
        return default_year
    if not _YEAR.match(given):
        raise BadYear()
    if not shown[0] <= int(given) <= shown[1]:
        raise YearNotShown()
    return int(given)


def year_choices(default_year: int, plan_years: Sequence[int], year: int) -> tuple[int, ...]:
    """Every year from the plan's first to the default one, and the one shown."""
    first = min([*plan_years, default_year])
    return tuple(sorted({*range(first, default_year + 1), year}, reverse=True))


def _language(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first if first in LANGUAGES and first != "tr" else "tr"


def _page_html(page: views.Page, figures: YearFigures, code: str | None, default_year: int) -> str:
    """The target page (`code` None) or an indicator's İNCELE page."""
    home = views.with_year(views.home_path(page.lang), page.year, default_year)
    if code is None:
        return _templates.get_template("target.html").render(
            page=page, t=page.t, view=views.target_view(figures, page.lang, default_year),
            languages=views.language_links(views.home_path, page.year, default_year),
            action=views.home_path(page.lang), home=home,
        )
    return _templates.get_template("indicator.html").render(
        page=page, t=page.t, view=views.indicator_view(figures, code, page.lang, default_year),
        languages=views.language_links(lambda lang: views.indicator_path(lang, code), page.year, default_year),
        action=views.indicator_path(page.lang, code), home=home,
    )


def public_app(cache: FigureCache, default_year: int, zone: ZoneInfo, plan_years: Sequence[int] = (),
               https: bool = False) -> Starlette:
    """The public pages as an ASGI app, to serve alone or mounted beside the webhook."""

    # A page's HTML is rendered once per figures computed: (lang, year, code) -> (figures, html).
    rendered: dict[tuple[str, int, str | None], tuple[YearFigures, str]] = {}

    async def html_page(request: Request, code: str | None) -> Response:
        year = requested_year(request, default_year, year_range(default_year, plan_years, zone))
        figures = await cache.get(year)
        if code is not None and code not in {i.code for i in figures.plan.indicators}:
            raise HTTPException(404)
        lang = _language(request.url.path)
        key = (lang, year, code)
        kept = rendered.get(key)
        if kept is None or kept[0] is not figures:
            page = views.page(lang, figures, default_year, year_choices(default_year, plan_years, year), zone)
            kept = (figures, _page_html(page, figures, code, default_year))
            rendered[key] = kept
        return HTMLResponse(kept[1], headers={"Cache-Control": CACHE_CONTROL})

    async def target(request: Request) -> Response:
        return await html_page(request, None)

    async def indicator(request: Request) -> Response:
        return await html_page(request, request.path_params["code"])

    async def open_row(request: Request) -> tuple[dict[str, Any], int]:
        code = request.path_params["code"]
        figures = await cache.get(requested_year(request, default_year, year_range(default_year, plan_years, zone)))
        for row in figures.open_rows:
            if row["code"] == code:
                return dict(row), figures.year
        raise HTTPException(404)

    async def download_csv(request: Request) -> Response:
        row, year = await open_row(request)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=OPEN_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(csv_row(row))
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"hedef-4.2-{year}-{row['code']}.csv"))

    async def download_json(request: Request) -> Response:
        row, year = await open_row(request)
        return Response(json.dumps([row], ensure_ascii=False, indent=2) + "\n", media_type="application/json",
                        headers=_attachment(f"hedef-4.2-{year}-{row['code']}.json"))

    async def error(request: Request, exc: Exception) -> Response:
        lang = _language(request.url.path)
        t = words(lang)
        first, last = year_range(default_year, plan_years, zone)
        if isinstance(exc, BadYear):
            title, message, status = t["bad_request_title"], t["error_bad_year"].format(first=first, last=last), 400
        elif isinstance(exc, YearNotShown):
            title, message, status = t["error_title"], t["error_no_year"].format(first=first, last=last), 404
        elif isinstance(exc, HTTPException) and exc.status_code == 405:
            title, message, status = t["bad_request_title"], t["error_method"], 405
        else:
            title, message, status = t["error_title"], t["error_not_found"], 404
        html = _templates.get_template("error.html").render(
            lang=lang, dir="rtl" if lang == "ar" else "ltr", t=t, title=title, message=message, home=views.home_path(lang))
        return HTMLResponse(html, status_code=status)

    routes: list[BaseRoute] = [
        Route("/gosterge/{code}.csv", download_csv, methods=["GET"]),
        Route("/gosterge/{code}.json", download_json, methods=["GET"]),
        Route("/", target, methods=["GET"]),
        Route("/gosterge/{code}", indicator, methods=["GET"]),
    ]
    for lang in LANGUAGES[1:]:
        routes += [Route(f"/{lang}", target, methods=["GET"]), Route(f"/{lang}/gosterge/{{code}}", indicator, methods=["GET"])]
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))
    app = Starlette(routes=routes, exception_handlers={HTTPException: error})
    app.add_middleware(SecurityHeaders, error_page=server_error_page, https=https)
    return app


def server_error_page(scope: Scope) -> Response:
    """The page for an error nothing handled, in the page's language, without any detail."""
    lang = _language(scope.get("path", "/"))
    t = words(lang)
    html = _templates.get_template("error.html").render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=t, title=t["server_error_title"], message=t["error_server"],
        home=views.home_path(lang))
    return HTMLResponse(html, status_code=500)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": CACHE_CONTROL}


