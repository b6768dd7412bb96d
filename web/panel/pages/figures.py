"""The dashboard (Target 4.2 and its indicators) and an indicator's rows with their sum."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reports.aggregate import current_plan
from services import plan_values, roles
from web import views
from web.panel import drilldown
from web.panel.context import Panel, Refused

FIRST_YEAR, LAST_YEAR = plan_values.FIRST_YEAR, plan_values.LAST_YEAR


def year_asked(request: Request, default: int) -> int:
    """The `yil` of the query when it is a plan year, else `default` (a page, not an error)."""
    wanted = request.query_params.get("yil", "")
    return int(wanted) if wanted.isdigit() and FIRST_YEAR <= int(wanted) <= LAST_YEAR else default


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def dashboard(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
        figures = await setup.cache.settled(setup.default_year)
        view = views.target_view(figures, actor.language, setup.default_year) if roles.can(actor, "report.read") else None
        drillable = [{"code": i.code, "name": i.name_in(actor.language)}
                     for i in drilldown.drillable(actor, figures.plan.indicators)] if view is None else []
        return panel.page("dashboard.html", actor, token, view=view, year=figures.year, drillable=drillable)

    async def indicator_page(request: Request) -> Response:
        """The rows behind an indicator's number for a year and their sum, as `kentbot indicator`
        prints them; staff see their centres' rows of the indicators whose rows have a centre."""
        year = year_asked(request, setup.default_year)
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            plan = await current_plan(session, year)
            code = request.path_params["code"]
            if code not in {i.code for i in plan.indicators}:
                raise Refused(404, "error_not_found")
            indicator = plan.indicator(code)
            if not drilldown.may_read(actor, indicator):
                raise Refused(403, "error_forbidden")
            found = await drilldown.drilled(session, actor, indicator, year, setup.zone)
        card = None
        if found.whole:
            figures = await setup.cache.settled(year)
            card = views.card(figures, figures.entry(code), actor.language, setup.default_year)
        lang = actor.language
        return panel.page("indicator.html", actor, token, code=code, title=indicator.name_in(lang), year=year,
                          card=card, whole=found.whole, rows=[drilldown.row_view(row, lang) for row in found.rows],
                          total=drilldown.total_view(found, lang), hidden=found.hidden)

    return [
        Route("/", dashboard, methods=["GET"]),
        Route("/gosterge/{code}", indicator_page, methods=["GET"]),
    ]
