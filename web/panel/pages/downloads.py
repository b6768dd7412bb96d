"""Downloads: the weekly workbook for a named period, the open data of a year, and a survey's
raw responses with their codebook."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reports.cell_text import csv_row
from reports.document import OPEN_FIELDS
from reports.periods import NAMED_PERIODS, named_period
from reports.render_xlsx import render_xlsx
from reports.response_export import FORMATS, TooFew, export_files, read_table, record
from reports.weekly import build_weekly_report
from services import roles
from storage.centres import shipped_by_id
from storage.repositories import audit
from surveys.definition import load_shipped
from surveys.labels import label
from web.panel.context import Panel, Refused, attachment, query_number
from web.panel.export_form import FIELDS, ExportForm, export_form
from web.panel.pages.figures import FIRST_YEAR, LAST_YEAR

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    def page(actor: roles.Actor, token: str, status: int = 200, **context: Any) -> Response:
        """The downloads, with the response export form as given (its defaults: the year so far)."""
        today = setup.clock().astimezone(setup.zone).date()
        shipped = load_shipped()
        given = {"anket": next(iter(sorted(shipped)), ""), "ilk": today.replace(month=1, day=1).isoformat(),
                 "son": today.isoformat(), "merkez": "", "bicim": "xlsx", **context.pop("given", {})}
        return panel.page("downloads.html", actor, token, status, periods=NAMED_PERIODS, year=setup.default_year,
                          surveys=[(s.id, label(s.title, actor.language)) for _, s in sorted(shipped.items())],
                          centres=[(cid, c.name_in(actor.language)) for cid, c in sorted(shipped_by_id().items())],
                          formats=FORMATS, given=given, **{"errors": {}, **context})

    async def downloads(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
        return page(actor, token)

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
        figures = await setup.cache.settled(year)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=OPEN_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in figures.open_rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers=attachment(f"hedef-4.2-{year}.csv"))

    async def responses(request: Request) -> Response:
        """`kentbot export responses` for the survey, days, centre and format asked: the same
        files (a CSV or .sav comes zipped with its codebook), the same refusal of a small
        anonymous export, audited under the same action name."""
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
        given = {name: request.query_params.get(name, "") for name in FIELDS}
        shipped = load_shipped()
        asked = export_form(given, shipped, shipped_by_id())
        if not isinstance(asked, ExportForm):
            return page(actor, token, 400, errors=asked, given=given)
        if setup.before is not None:
            await setup.before()
        async with setup.sessions.begin() as session:
            try:
                table = await read_table(session, shipped[asked.survey_id], asked.first, asked.last, asked.centre_id)
            except TooFew:
                return page(actor, token, 400, errors={"form": "export_error_too_few"}, given=given)
            files = export_files(table, asked.fmt, asked.name)
            await record(session, at=setup.clock(), actor=actor.label, table=table, first=asked.first, last=asked.last,
                         centre_id=asked.centre_id, fmt=asked.fmt, files=[name for name, _ in files])
        if asked.fmt == "xlsx":
            ((name, content),) = files
            return Response(content, media_type=XLSX, headers=attachment(name))
        return Response(_zipped(files), media_type=ZIP, headers=attachment(f"{asked.name.rsplit('.', 1)[0]}.zip"))

    return [
        Route("/indirme", downloads, methods=["GET"]),
        Route("/indirme/yanitlar", responses, methods=["GET"]),
        Route("/indirme/haftalik.xlsx", weekly_workbook, methods=["GET"]),
        Route("/indirme/acik-veri.csv", open_data, methods=["GET"]),
    ]


def _zipped(files: list[tuple[str, bytes]]) -> bytes:
    """The files of one export in one download, named as the command line names them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
