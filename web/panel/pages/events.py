"""Events: the list (sorted and paged on the server), a month's calendar, an event's page with
its registrations, waiting list and roll call, and attendance taken on it: a headcount, or a
tick per registered person, through the chat's own service calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from services import attendance, invitations, roles
from services.events import local_text
from services.refusal import Refusal
from services.whole_numbers import whole_number
from storage.models import Event
from storage.repositories import events as event_store
from web.panel.checkins import flagged_view
from web.panel.context import MAX_ID, MAX_PAGE, Panel, query_number, row_named
from web.panel.month import Month, weeks
from web.panel.pages.figures import FIRST_YEAR, LAST_YEAR
from web.panel.tables import Page, page_of, turkish_key

# The events listed: from a month back (to mark recent ones held) onwards.
EVENTS_SINCE = timedelta(days=31)
EVENTS_LIMIT = 1000
MAX_HEADCOUNT_TYPED = 999_999_999
# A registered person's name as chat's roll call shows it on its buttons, and nothing more.
NAME_SHOWN = 40
# What a tick form asks for: the person ticked present, or the tick taken back.
TICK_CHOICES = {"1": True, "0": False}

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

    async def event_calendar(request: Request) -> Response:
        """A month of the events the member may see (staff: their centres'), Monday first, today
        marked, each event a link to its page; `?yil=2026&ay=5`, this month when absent."""
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            today = setup.clock().astimezone(setup.zone).date()
            shown = Month(query_number(request, "yil", FIRST_YEAR, LAST_YEAR, today.year),
                          query_number(request, "ay", 1, 12, today.month))
            centres = roles.centres_for(actor, "attendance.record")
            found = await event_store.for_centres_between(
                session, None if centres is None else sorted(centres), *shown.bounds(setup.zone))
        dated = []
        for event in found:
            local = event.starts_at.astimezone(setup.zone)
            dated.append((local.date(), {"id": event.id, "title": event.title, "time": f"{local:%H:%M}",
                                         "status": event.status}))
        current = Month(today.year, today.month)
        return panel.page("calendar.html", actor, token, month=shown, weeks=weeks(shown, today, dated), count=len(found),
                          previous=month_link(shown.step(-1)), next=month_link(shown.step(1)),
                          this_month=month_link(current) if shown != current else None)

    async def event_page(session: AsyncSession, actor: roles.Actor, token: str, event: Event, status: int = 200,
                         **context: Any) -> HTMLResponse:
        """The event with its figures, its roll call and the month it is in, and the forms' errors."""
        local = event.starts_at.astimezone(setup.zone)
        return panel.page("event.html", actor, token, status, event=await event_row(session, event, setup.zone),
                          people=await roll_call(session, event.id), month=month_link(Month(local.year, local.month)),
                          flagged=await flagged_view(session, event.id, actor.language, setup.zone),
                          **{"error": None, "value": "", "tick_error": None, **context})

    async def event_detail(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            event = await event_of(session, request)
            panel.allow(actor, "attendance.record", event.centre_id)
            return await event_page(session, actor, token, event)

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
                return await event_page(session, actor, token, await event_of(session, request), 400,
                                        error=f"event_error_{error}", value=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/etkinlikler/{event.id}", status_code=303)

    async def tick(request: Request) -> Response:
        """Tick a registered person present, or take the tick back: the chat's tick, so the same
        rules, audit actions and held state, and the survey invitation it makes owed queued in the
        same transaction, worded and linked as chat queues it. The form names the state wanted, so
        sending it twice changes nothing more. The bot's username (the invitation's link) is asked
        between two transactions: no transaction waits on Telegram."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            event = await event_of(session, request)
            panel.allow(actor, "attendance.record", event.centre_id)
            form = await panel.posted(request, token)
            person_id = whole_number(form.get("person"), 1, MAX_ID)
            present = TICK_CHOICES.get(form.get("present", ""))
            if person_id is None or present is None:
                await session.rollback()
                return await event_page(session, actor, token, await event_of(session, request), 400,
                                        tick_error="event_error_choice")
            may_invite = event.type in invitations.SURVEY_FOR_EVENT
            await session.commit()
        username = await setup.bot_username() if may_invite else ""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            event = await event_of(session, request)
            panel.allow(actor, "attendance.record", event.centre_id)
            error = "username" if username is None else None
            if username is not None:
                now = setup.clock()
                context = invitations.InviteContext(setup.secret, setup.surveys, now.astimezone(setup.zone).date())
                try:
                    marked = await attendance.tick(session, actor, event_id=event.id, person_id=person_id,
                                                   secret=setup.secret, now=now, invite=context, present=present)
                    if marked.invitation is not None:
                        await setup.invite(session, marked.invitation, username, now)
                except Refusal as refusal:
                    error = refusal.reason
            if error is not None:
                await session.rollback()
                return await event_page(session, actor, token, await event_of(session, request),
                                        503 if error == "username" else 400, tick_error=f"event_error_{error}")
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/etkinlikler/{event.id}#person-{person_id}", status_code=303)

    return [
        Route("/etkinlikler", event_list, methods=["GET"]),
        Route("/etkinlikler/takvim", event_calendar, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}", event_detail, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}/katilim", headcount, methods=["POST"]),
        Route("/etkinlikler/{event_id:int}/yoklama", tick, methods=["POST"]),
    ]


async def event_of(session: AsyncSession, request: Request) -> Event:
    """The event the path names, or a 404 page."""
    return await row_named(session, Event, request, "event_id")


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


async def roll_call(session: AsyncSession, event_id: int) -> list[dict[str, Any]]:
    """The confirmed registrations in their order, each ticked present or not: chat's roll call,
    the name cut as its buttons cut it, and nothing chat does not show staff."""
    present = await event_store.attended_people(session, event_id)
    return [{"id": person.id, "name": person.display_name[:NAME_SHOWN], "present": person.id in present}
            for _, person in await event_store.registered_people(session, event_id, ("confirmed",))]


def month_link(month: Month) -> str | None:
    """The calendar's address for `month`, or None outside the years the panel reads."""
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        return None
    return f"/panel/etkinlikler/takvim?{urlencode({'yil': month.year, 'ay': month.month})}"


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
