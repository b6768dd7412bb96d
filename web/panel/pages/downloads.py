"""Downloads: the weekly workbook for a named period and the open data of a year."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reports.cell_text import csv_row
from reports.document import OPEN_FIELDS
from reports.periods import NAMED_PERIODS, named_period
from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report
from storage.repositories import audit
from web.panel.context import Panel, Refused, attachment, query_number
from web.panel.pages.figures import FIRST_YEAR, LAST_YEAR

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def downloads(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
        return panel.page("downloads.html", actor, token, periods=NAMED_PERIODS, year=setup.default_year)

    async def weekly_workbook(request: Request) -> Response:
        """`kentbot report --format xlsx` for a named period, in the member's language."""
        async with setup.sessions.begin() as session:
            actor, _ = await panel.member(request, session)
            panel.allow(actor, "report.read")
        period = request.query_params.get("donem", "last_week")
        if period not in NAMED_PERIODS:
            raise Refused(400, "error_period")
        if setup.before is not None:
            await setup.before()
        now = setup.clock()
        first, last = named_period(period, now.astimezone(setup.zone).date())
        async with setup.sessions.begin() as session:
            built = await build_weekly_report(session, period_from=first, period_to=last, year=last.year, now=now,
                                              zone=setup.zone)
            await audit.append(session, at=now, actor=actor.label, action="export.workbook", object_type="report",
                               object_id=period, after={"from": first.isoformat(), "to": last.isoformat(),
                                                        "language": actor.language})
        return Response(render_xlsx(built, actor.language), media_type=XLSX,
                        headers=attachment(f"kentbot-{first.isoformat()}-{last.isoformat()}.xlsx"))

    async def open_data(request: Request) -> Response:
        """Every indicator's open data row for a year (`kentbot export opendata`'s CSV), from the
        figures the public pages show."""
        async with setup.sessions.begin() as session:
            actor, _ = await panel.member(request, session)
            panel.allow(actor, "report.read")
            year = query_number(request, "yil", FIRST_YEAR, LAST_YEAR, setup.default_year)
            await audit.append(session, at=setup.clock(), actor=actor.label, action="export.opendata",
                               object_type="year", object_id=str(year))
        figures = await setup.cache.get(year)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=OPEN_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in figures.open_rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers=attachment(f"hedef-4.2-{year}.csv"))

    return [
        Route("/indirme", downloads, methods=["GET"]),
        Route("/indirme/haftalik.xlsx", weekly_workbook, methods=["GET"]),
        Route("/indirme/acik-veri.csv", open_data, methods=["GET"]),
    ]
