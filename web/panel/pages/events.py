"""Events: the list (sorted and paged on the server), an event's page, and its headcount."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import attendance, roles
from services.events import local_text
from services.refusal import Refusal
from services.whole_numbers import whole_number
from storage.models import Event
from storage.repositories import events as event_store
from web.panel.context import MAX_ID, MAX_PAGE, Panel, Refused, query_number
from web.panel.tables import Page, page_of, turkish_key

# The events listed: from a month back (to mark recent ones held) onwards.
EVENTS_SINCE = timedelta(days=31)
EVENTS_LIMIT = 1000
MAX_HEADCOUNT_TYPED = 999_999_999

EVENT_SORTS: Mapping[str, Callable[[Mapping[str, Any]], Any]] = {
    "starts_at": lambda row: (row["starts_at"], row["id"]),
    "title": lambda row: (turkish_key(row["title"]), row["id"]),
    "centre": lambda row: (row["centre_id"], row["starts_at"]),
    "status": lambda row: (row["status"], row["starts_at"]),
    "present": lambda row: (row["present"], row["id"]),
}


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def event_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            centres = roles.centres_for(actor, "attendance.record")
            found = await event_store.for_centres(
                session, None if centres is None else sorted(centres), setup.clock() - EVENTS_SINCE, EVENTS_LIMIT)
            rows = [await event_row(session, event, setup.zone) for event in found]
        query = request.query_params
        number = query_number(request, "sayfa", 1, MAX_PAGE, 1)
        table = page_of(rows, EVENT_SORTS, query.get("sirala"), query.get("yon"), number, "starts_at")
        return panel.page("events.html", actor, token, table=table, links=table_links("/panel/etkinlikler", table))

    async def event_detail(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            event = await event_of(session, request)
            panel.allow(actor, "attendance.record", event.centre_id)
            row = await event_row(session, event, setup.zone)
        return panel.page("event.html", actor, token, event=row, error=None, value="")

    async def headcount(request: Request) -> Response:
        """Mark an event held with how many came: the chat's headcount, with its rules. A wrong
        value is told beside the field and changes nothing."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            event = await event_of(session, request)
            panel.allow(actor, "attendance.record", event.centre_id)
            form = await panel.posted(request, token)
            given = form.get("headcount", "").strip()
            count = whole_number(given, 0, MAX_HEADCOUNT_TYPED)
            error = None if count is not None else "headcount"
            if count is not None:
                try:
                    await attendance.set_headcount(session, actor, event_id=event.id, count=count, now=setup.clock())
                except Refusal as refusal:
                    error = refusal.reason
            if error is not None:
                await session.rollback()
                row = await event_row(session, await event_of(session, request), setup.zone)
                return panel.page("event.html", actor, token, 400, event=row, error=f"event_error_{error}", value=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/etkinlikler/{event.id}", status_code=303)

    return [
        Route("/etkinlikler", event_list, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}", event_detail, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}/katilim", headcount, methods=["POST"]),
    ]


async def event_of(session: AsyncSession, request: Request) -> Event:
    """The event the path names, or a 404 page."""
    event_id = request.path_params["event_id"]
    event = await session.get(Event, event_id) if event_id <= MAX_ID else None
    if event is None:
        raise Refused(404, "error_not_found")
    return event


async def event_row(session: AsyncSession, event: Event, zone: ZoneInfo) -> dict[str, Any]:
    """What the events table and the event page show: the chat's event screen, as values."""
    people = await event_store.registered_people(session, event.id)
    confirmed = sum(1 for registration, _ in people if registration.status == "confirmed")
    return {
        "id": event.id, "title": event.title, "centre_id": event.centre_id, "status": event.status,
        "starts_at": event.starts_at, "when": local_text(event.starts_at, zone), "capacity": event.capacity,
        "confirmed": confirmed, "waiting": len(people) - confirmed,
        "present": await event_store.attendance_count(session, event.id), "headcount": event.headcount,
    }


def table_links(path: str, table: Page) -> dict[str, Any]:
    """Column headers that sort (again: the other way), and the previous and next pages."""
    def href(**changes: Any) -> str:
        params = {"sirala": table.sort, "yon": "azalan" if table.descending else "artan", "sayfa": table.number, **changes}
        return f"{path}?{urlencode(params)}"

    return {
        "sort": {column: href(sirala=column, yon="azalan" if column == table.sort and not table.descending else "artan",
                              sayfa=1) for column in EVENT_SORTS},
        "previous": href(sayfa=table.number - 1) if table.number > 1 else None,
        "next": href(sayfa=table.number + 1) if table.number < table.pages else None,
    }
