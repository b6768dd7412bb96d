"""Plan values (planned, baseline) per indicator and year: `kentbot plan set` on the web."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from reports.aggregate import current_plan
from services import plan_values
from web.panel.context import Panel, query_number
from web.panel.pages.figures import FIRST_YEAR, LAST_YEAR


def typed(value: float | None) -> str:
    """A plan value as a form shows it: 12 rather than 12.0, nothing when unknown."""
    return "" if value is None else f"{value:g}"


async def plan_rows(session: AsyncSession, lang: str, year: int) -> list[dict[str, Any]]:
    plan = await current_plan(session, year)
    return [{"code": i.code, "name": i.name_in(lang), "unit": i.unit,
             "planned": typed(plan.planned(i.code, year)), "baseline": typed(plan.baseline(i.code, year))}
            for i in plan.indicators]


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def plan_page(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "plan.set")
            year = query_number(request, "yil", FIRST_YEAR, LAST_YEAR, setup.default_year)
            rows = await plan_rows(session, actor.language, year)
        return panel.page("plan.html", actor, token, rows=rows, year=year, errors={}, code=None, given={})

    async def plan_set(request: Request) -> Response:
        """The command line's `kentbot plan set`, one indicator and year at a time."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "plan.set")
            form = await panel.posted(request, token)
            given = {name: form.get(name, "") for name in ("code", "year", "planned", "baseline")}
            try:
                await plan_values.set_from_form(session, actor, now=setup.clock(), **given)
            except plan_values.FieldsRefused as refused:
                await session.rollback()
                year = int(given["year"]) if refused.fields.keys() - {"year"} else setup.default_year
                rows = await plan_rows(session, actor.language, year)
                return panel.page("plan.html", actor, token, 400, rows=rows, year=year, errors=refused.fields,
                                  code=given["code"], given=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/plan?{urlencode({'yil': given['year']})}", status_code=303)

    return [
        Route("/plan", plan_page, methods=["GET"]),
        Route("/plan", plan_set, methods=["POST"]),
    ]
