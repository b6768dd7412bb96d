"""Per-question survey results and the comments people wrote."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reports.numbers import day as local_day
from reports.weekly import survey_results_for
from services import comments
from surveys.definition import load_shipped
from surveys.labels import label
from web.panel import surveys
from web.panel.context import Panel, Refused
from web.panel.pages.figures import year_asked
from web.panel.tables import PAGE_SIZE


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def survey_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
        shipped = [{"id": s.id, "title": label(s.title, actor.language)} for s in load_shipped().values()]
        return panel.page("surveys.html", actor, token, surveys=shipped, year=setup.default_year)

    async def survey_page(request: Request) -> Response:
        """Every question's results of a survey for a year, city-wide: `kentbot results --year`."""
        year = year_asked(request, setup.default_year)
        shipped = load_shipped()
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
            if request.path_params["survey_id"] not in shipped:
                raise Refused(404, "error_not_found")
            found = await survey_results_for(session, shipped[request.path_params["survey_id"]],
                                             date(year, 1, 1), date(year, 12, 31), None)
        return panel.page("survey.html", actor, token, year=year, results=surveys.results_view(found, actor.language))

    async def comment_list(request: Request) -> Response:
        """Chat's /yorumlar: the comments of the member's centres (every centre's for managers)
        of the last 90 days, newest first, 25 a page."""
        wanted = request.query_params.get("sayfa", "1")
        today = setup.clock().astimezone(setup.zone).date()
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            first, found = await comments.readable(session, actor, today)
        pages = max(1, -(-len(found) // PAGE_SIZE))
        number = min(int(wanted), pages) if wanted.isdigit() and int(wanted) > 0 else 1
        shown = found[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        return panel.page("comments.html", actor, token, rows=surveys.comment_rows(shown, actor.language),
                          total=len(found), first=local_day(first), last=local_day(today), number=number, pages=pages,
                          previous=f"/panel/yorumlar?sayfa={number - 1}" if number > 1 else None,
                          next=f"/panel/yorumlar?sayfa={number + 1}" if number < pages else None)

    return [
        Route("/anket", survey_list, methods=["GET"]),
        Route("/anket/{survey_id}", survey_page, methods=["GET"]),
        Route("/yorumlar", comment_list, methods=["GET"]),
    ]
