"""Staff entries: aid to students (4.2.3) and completed centres (4.2.1, 4.2.6), listed and
corrected as in chat (/duzelt) and `kentbot entry list|correct` (logging them: entry_logging).
The same service calls (services.entries), so the same rights, rules and audit action names; a
correction is a new row, and an entry's page shows every row of its history."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from reports import numbers
from services import entries, roles
from services.events import local_text
from services.refusal import Refusal
from storage.centres import shipped_by_id
from storage.models import IndicatorEntry
from storage.repositories import entries as entry_store
from web.panel.context import MAX_PAGE, Panel, PanelSetup, Refused, query_number, row_named
from web.panel.entry_forms import CorrectionForm, correction_form
from web.panel.pages.figures import FIRST_YEAR, LAST_YEAR
from web.panel.tables import Page, page_of, turkish_key

CODES = tuple(sorted((*entries.MILESTONES, entries.AID)))
ENTRY_SORTS: Mapping[str, Callable[[Mapping[str, Any]], Any]] = {
    "occurred_on": lambda row: (row["occurred_on"], row["id"]),
    "id": lambda row: row["id"],
    "code": lambda row: (row["code"], row["occurred_on"], row["id"]),
    "centre": lambda row: (turkish_key(row["centre"]), row["id"]),
    "quantity": lambda row: (row["quantity"], row["id"]),
}
# A service refusal, as the field it is about: (field, problem).
CORRECTION_REFUSALS = {
    "quantity": ("quantity", "range"),
    "reason": ("reason", "missing"),
    "future": ("day", "future"),
    "year": ("day", "year"),
    "already_corrected": ("form", "already_corrected"),
    "unknown": ("form", "unknown"),
}


def centre_label(centre_id: str | None, lang: str) -> str:
    shipped = shipped_by_id().get(centre_id or "")
    return shipped.name_in(lang) if shipped is not None else centre_id or "—"


def entry_view(entry: IndicatorEntry, lang: str, zone: ZoneInfo) -> dict[str, Any]:
    """An entry as the table and the history show it (never an aid entry's student key)."""
    return {
        "id": entry.id,
        "code": entry.indicator_code,
        "centre_id": entry.centre_id,
        "centre": centre_label(entry.centre_id, lang),
        "occurred_on": entry.occurred_on,
        "day": entry.occurred_on.isoformat(),
        "day_text": numbers.day(entry.occurred_on),
        "quantity": entry.quantity,
        "quantity_text": f"{entry.quantity:g}",
        "note": entry.note or "",
        "entered_by": entry.entered_by,
        "entered_at": local_text(entry.entered_at, zone),
        "web": entry.entered_by.startswith("web:"),
        "corrects": entry.corrects_entry_id,
        "reason": entry.reason or "",
    }


def local_today(setup: PanelSetup) -> date:
    """The municipality's calendar day from the service clock: until 03:00 in İstanbul the UTC
    date is still yesterday."""
    return setup.clock().astimezone(setup.zone).date()


def today_fields(setup: PanelSetup) -> dict[str, str]:
    """Today for a date field's bound (ISO) and for the words that name it."""
    day = local_today(setup)
    return {"today": day.isoformat(), "today_text": numbers.day(day)}


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def entry_list(request: Request) -> Response:
        """The entries in force (a replaced one is in its successor's history) that the member
        may see: their centres' for staff, every one for managers, as chat allows `entry.add`."""
        query = request.query_params
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            code = query.get("gosterge", "")
            if code not in ("", *CODES):
                raise Refused(400, "entries_error_filter")
            year = query_number(request, "yil", FIRST_YEAR, LAST_YEAR, setup.default_year)
            number = query_number(request, "sayfa", 1, MAX_PAGE, 1)
            found = await entry_store.effective(session, code or None, start=date(year, 1, 1), end=date(year, 12, 31))
            rows = [
                entry_view(e, actor.language, setup.zone) for e in found if roles.can(actor, "entry.add", e.centre_id)
            ]
        table = page_of(rows, ENTRY_SORTS, query.get("sirala"), query.get("yon", "azalan"), number, "occurred_on")
        filters = {"gosterge": code, "yil": year}
        return panel.page(
            "entries.html",
            actor,
            token,
            table=table,
            links=table_links(table, filters),
            code=code,
            year=year,
            codes=CODES,
            total=f"{sum(row['quantity'] for row in rows):g}",
            count=len(rows),
            may_aid=roles.centres_for(actor, "entry.add") != frozenset(),
            may_milestone=roles.can(actor, "entry.milestone"),
        )

    async def entry_page(
        session: AsyncSession, actor: roles.Actor, token: str, entry: IndicatorEntry, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """The entry, every row of its history, and the correction form for those who may correct it."""
        chain = await entry_store.history(session, entry.id)
        latest = chain[-1]
        return panel.page(
            "entry.html",
            actor,
            token,
            status,
            entry=entry_view(entry, actor.language, setup.zone),
            history=[entry_view(row, actor.language, setup.zone) for row in chain],
            latest=latest.id,
            may_correct=latest.id == entry.id and roles.can(actor, "entry.correct", entry.centre_id),
            may_audit=roles.can(actor, "report.read"),
            **today_fields(setup),
            **{"errors": {}, "given": {"quantity": "", "day": "", "reason": ""}, **context},
        )

    async def entry_detail(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            entry = await entry_of(session, request)
            panel.allow(actor, "entry.add", entry.centre_id)
            return await entry_page(session, actor, token, entry)

    async def correct(request: Request) -> Response:
        """`kentbot entry correct` / chat's /duzelt: a new row replacing the entry, with a reason."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            entry = await entry_of(session, request)
            panel.allow(actor, "entry.correct", entry.centre_id)
            form = await panel.posted(request, token)
            given = {name: form.get(name, "") for name in ("quantity", "day", "reason")}
            today = local_today(setup)  # one day for the form's check and the service's
            checked = correction_form(given["quantity"], given["day"], given["reason"], today)
            if isinstance(checked, CorrectionForm):
                try:
                    made = await entries.correct(
                        session,
                        actor,
                        entry_id=entry.id,
                        quantity=checked.quantity,
                        occurred_on=checked.occurred_on,
                        note=None,
                        reason=checked.reason,
                        now=setup.clock(),
                        today=today,
                    )
                except Refusal as refusal:
                    field, problem = CORRECTION_REFUSALS[refusal.reason]
                    checked = {field: problem}
            if isinstance(checked, dict):
                await session.rollback()
                entry = await entry_of(session, request)
                return await entry_page(session, actor, token, entry, 400, errors=checked, given=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/kayitlar/{made.id}", status_code=303)

    return [
        Route("/kayitlar", entry_list, methods=["GET"]),
        Route("/kayitlar/{entry_id:int}", entry_detail, methods=["GET"]),
        Route("/kayitlar/{entry_id:int}/duzelt", correct, methods=["POST"]),
    ]


async def entry_of(session: AsyncSession, request: Request) -> IndicatorEntry:
    """The entry the path names, or a 404 page."""
    return await row_named(session, IndicatorEntry, request, "entry_id")


def table_links(table: Page, filters: Mapping[str, Any]) -> dict[str, Any]:
    """Column headers that sort (again: the other way), the previous and next pages, all
    keeping the indicator and year asked for."""

    def href(**changes: Any) -> str:
        params = {
            **filters,
            "sirala": table.sort,
            "yon": "azalan" if table.descending else "artan",
            "sayfa": table.number,
            **changes,
        }
        return f"/panel/kayitlar?{urlencode(params)}"

    return {
        "sort": {
            column: href(
                sirala=column, yon="azalan" if column == table.sort and not table.descending else "artan", sayfa=1
            )
            for column in ENTRY_SORTS
        },
        "previous": href(sayfa=table.number - 1) if table.number > 1 else None,
        "next": href(sayfa=table.number + 1) if table.number < table.pages else None,
    }
