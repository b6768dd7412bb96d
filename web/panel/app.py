"""The web panel's routes: sign-in through a bot link, the dashboard, events with headcount,
plan values, the audit log and the downloads. Every right is checked with services.roles.can on each request, every change goes
through the same service call as in chat (so the same rules and audit action names), marked as
made on the web.

No session: 401. A signed-in member asking for what their role or centres do not allow: 403.
Every POST must carry the session's form token; a missing or wrong one is a 403 and changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from reports.aggregate import current_plan
from reports.cell_text import csv_row
from reports.document import OPEN_FIELDS
from reports.numbers import day as local_day
from reports.periods import NAMED_PERIODS, named_period
from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report, survey_results_for
from services import attendance, comments, invites, memberships, panel_access, plan_values, roles
from services.events import local_text
from services.notices import Notice
from services.refusal import Refusal
from services.whole_numbers import whole_number
from storage.centres import shipped_by_id
from storage.models import Event, Membership
from storage.repositories import audit
from storage.repositories import events as event_store
from storage.repositories import memberships as membership_store
from storage.repositories import staff as staff_store
from surveys.definition import load_shipped
from surveys.labels import label
from web import views
from web.cache import FigureCache
from web.panel import drilldown, surveys
from web.panel.headers import PanelHeaders
from web.panel.origins import from_our_pages, origin_of
from web.panel.staff_form import DEFAULT_HOURS, InviteForm, invite_form
from web.panel.tables import PAGE_SIZE, page_of, turkish_key
from web.panel.texts import panel_words

HERE = Path(__file__).parent
COOKIE = "kentbot_panel"
MAX_FORM_BYTES = 16_384
# The events listed: from a month back (to mark recent ones held) onwards.
EVENTS_SINCE = timedelta(days=31)
EVENTS_LIMIT = 1000
APPLICATIONS_LIMIT = 200
FIRST_YEAR, LAST_YEAR = plan_values.FIRST_YEAR, plan_values.LAST_YEAR
# Bounds of what a query or form may ask for: beyond them a page says so (and no database overflows).
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1
MAX_HEADCOUNT_TYPED = 999_999_999
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
    trim_blocks=True, lstrip_blocks=True,
)


@dataclass(frozen=True)
class PanelSetup:
    """What the panel needs from the process that serves it."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    zone: ZoneInfo
    cache: FigureCache
    default_year: int
    # Queues the notices a service says are owed (services.notices), in the caller's transaction,
    # worded as chat words them: the bot supplies it, as the panel may not import the bot.
    notify: Callable[[AsyncSession, Sequence[Notice], datetime], Awaitable[object]]
    # The bot's Telegram username for invite links, or None when it cannot be known now.
    bot_username: Callable[[], Awaitable[str | None]]
    # The public address is https: the cookie is Secure even when a proxy speaks plain HTTP to us.
    https: bool = False
    # Run before a report is built (the bot releases anonymous answers that are due, as the CLI does).
    before: Callable[[], Awaitable[object]] | None = None
    # The configured public address (KENTBOT_PUBLIC_URL): a sign-in may be posted from its origin.
    public_url: str | None = None


class Refused(HTTPException):
    """An error page whose message is a key of the panel's words."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(status, key)


def _render(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(name).render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=panel_words(lang), **context)
    return HTMLResponse(html, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the first value of each); too large a body is refused."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:  # read no further
            raise Refused(413, "error_too_large")
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


def panel_app(setup: PanelSetup) -> Starlette:
    """The panel as an ASGI app, to mount at /panel beside the public pages."""

    def secure(request: Request) -> bool:
        return setup.https or request.url.scheme == "https"

    async def member(request: Request, session: AsyncSession) -> tuple[roles.Actor, str]:
        """The signed-in member and their cookie token, or a 401."""
        token = request.cookies.get(COOKIE)
        actor = await panel_access.signed_in(session, token, setup.clock())
        if actor is None or token is None:
            raise Refused(401, "error_signed_out")
        return actor, token

    def allow(actor: roles.Actor, action: str, centre_id: str | None = None) -> None:
        if not roles.can(actor, action, centre_id):
            raise Refused(403, "error_forbidden")

    async def posted(request: Request, token: str) -> dict[str, str]:
        """The form, once its CSRF token is the session's."""
        form = await _form(request)
        if not panel_access.csrf_matches(token, form.get("csrf")):
            raise Refused(403, "error_csrf")
        return form

    def page(name: str, actor: roles.Actor, token: str, status: int = 200, **context: Any) -> HTMLResponse:
        return _render(name, actor.language, status, actor=actor, csrf=panel_access.csrf_token(token),
                       is_manager=roles.can(actor, "report.read"),
                       is_admin=roles.can(actor, "staff.invite"), **context)

    # --- signing in and out ---------------------------------------------------------------

    async def link_page(request: Request) -> Response:
        """The link from the bot shows a button: a link preview fetching it signs nobody in."""
        lang = _lang(request.query_params.get("dil"))
        return _render("sign_in.html", lang, action=request.url.path)

    async def sign_in(request: Request) -> Response:
        ours = [origin_of(str(request.url)), *([origin_of(setup.public_url)] if setup.public_url else [])]
        if not from_our_pages(request.headers.get("origin"), request.headers.get("sec-fetch-site"), ours):
            raise Refused(403, "error_origin")  # the link stays unused
        async with setup.sessions.begin() as session:
            session_token = await panel_access.redeem_link(session, request.path_params["token"], setup.clock())
        if session_token is None:
            raise Refused(400, "error_link")
        response = RedirectResponse("/panel/", status_code=303)
        response.set_cookie(COOKIE, session_token, path="/panel", httponly=True, samesite="strict",
                            secure=secure(request), max_age=int(panel_access.ABSOLUTE_LIMIT.total_seconds()))
        return response

    async def sign_out(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            _, token = await member(request, session)
            await posted(request, token)
            await panel_access.sign_out(session, token, setup.clock())
        response = RedirectResponse("/panel/cikti", status_code=303)
        response.delete_cookie(COOKIE, path="/panel", httponly=True, samesite="strict", secure=secure(request))
        return response

    async def signed_out(request: Request) -> Response:
        return _render("signed_out.html", _lang(request.query_params.get("dil")))

    # --- pages ----------------------------------------------------------------------------

    async def dashboard(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
        figures = await setup.cache.get(setup.default_year)
        view = views.target_view(figures, actor.language, setup.default_year) if roles.can(actor, "report.read") else None
        drillable = [{"code": i.code, "name": i.name_in(actor.language)}
                     for i in drilldown.drillable(actor, figures.plan.indicators)] if view is None else []
        return page("dashboard.html", actor, token, view=view, year=figures.year, drillable=drillable)

    async def indicator_page(request: Request) -> Response:
        """The rows behind an indicator's number for a year and their sum, as `kentbot indicator`
        prints them; staff see their centres' rows of the indicators whose rows have a centre."""
        wanted = request.query_params.get("yil", "")
        year = int(wanted) if wanted.isdigit() and FIRST_YEAR <= int(wanted) <= LAST_YEAR else setup.default_year
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
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
            figures = await setup.cache.get(year)
            card = views.card(figures, figures.entry(code), actor.language, setup.default_year)
        lang = actor.language
        return page("indicator.html", actor, token, code=code, title=indicator.name_in(lang), year=year, card=card,
                    whole=found.whole, rows=[drilldown.row_view(row, lang) for row in found.rows],
                    total=drilldown.total_view(found, lang), hidden=found.hidden)

    async def survey_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "report.read")
        shipped = [{"id": s.id, "title": label(s.title, actor.language)} for s in load_shipped().values()]
        return page("surveys.html", actor, token, surveys=shipped, year=setup.default_year)

    async def survey_page(request: Request) -> Response:
        """Every question's results of a survey for a year, city-wide: `kentbot results --year`."""
        wanted = request.query_params.get("yil", "")
        year = int(wanted) if wanted.isdigit() and FIRST_YEAR <= int(wanted) <= LAST_YEAR else setup.default_year
        shipped = load_shipped()
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "report.read")
            if request.path_params["survey_id"] not in shipped:
                raise Refused(404, "error_not_found")
            found = await survey_results_for(session, shipped[request.path_params["survey_id"]],
                                             date(year, 1, 1), date(year, 12, 31), None)
        return page("survey.html", actor, token, year=year, results=surveys.results_view(found, actor.language))

    async def comment_list(request: Request) -> Response:
        """Chat's /yorumlar: the comments of the member's centres (every centre's for managers)
        of the last 90 days, newest first, 25 a page."""
        wanted = request.query_params.get("sayfa", "1")
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            first, found = await comments.readable(session, actor, setup.clock().astimezone(setup.zone).date())
        pages = max(1, -(-len(found) // PAGE_SIZE))
        number = min(int(wanted), pages) if wanted.isdigit() and int(wanted) > 0 else 1
        shown = found[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        return page("comments.html", actor, token, rows=surveys.comment_rows(shown, actor.language), total=len(found),
                    first=local_day(first), last=local_day(setup.clock().astimezone(setup.zone).date()),
                    number=number, pages=pages,
                    previous=f"/panel/yorumlar?sayfa={number - 1}" if number > 1 else None,
                    next=f"/panel/yorumlar?sayfa={number + 1}" if number < pages else None)

    async def applications(session: AsyncSession, actor: roles.Actor) -> list[dict[str, Any]]:
        """The pending applications the member may decide, oldest first, as chat's /basvurular."""
        centres = None if roles.can(actor, "membership.approve") else sorted(actor.centres)
        rows = []
        named = shipped_by_id()
        for membership in await membership_store.pending(session, centres, limit=APPLICATIONS_LIMIT):
            centre = named.get(membership.centre_id)
            rows.append({"id": membership.id, "name": membership.member_name, "relation": membership.relation,
                         "contact": membership.contact_preference, "when": local_text(membership.created_at, setup.zone),
                         "centre": centre.name_in(actor.language) if centre is not None else membership.centre_id})
        return rows

    async def application_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            rows = await applications(session, actor)
        return page("applications.html", actor, token, rows=rows, errors={}, given={})

    async def application_decide(request: Request) -> Response:
        """Approve, or decline with a reason: the chat's decision, audited as there, and the
        applicant's notice queued in the same transaction. A wrong field is told beside it and
        nothing changes."""
        async with setup.sessions() as session:
            actor, token = await member(request, session)
            membership_id = request.path_params["membership_id"]
            membership = await session.get(Membership, membership_id)
            if membership is None:
                raise Refused(404, "error_not_found")
            allow(actor, "membership.approve", membership.centre_id)
            form = await posted(request, token)
            choice, reason = form.get("karar", ""), form.get("gerekce", "").strip()
            error = None
            if choice not in ("onayla", "reddet"):
                error = "choice"
            elif choice == "reddet" and (not reason or len(reason) > memberships.MAX_REASON):
                error = "reason"
            else:
                try:
                    decision = await memberships.decide(
                        session, actor, membership_id=membership_id, approve=choice == "onayla",
                        reason=reason if choice == "reddet" else None, zone=setup.zone, now=setup.clock())
                    await setup.notify(session, [decision.notice] if decision.notice else [], setup.clock())
                except Refusal as refusal:
                    error = refusal.reason
            if error is not None:
                await session.rollback()
                rows = await applications(session, actor)
                return page("applications.html", actor, token, 400, rows=rows, errors={membership_id: error},
                            given={membership_id: reason})
            await session.commit()
        setup.cache.changed()
        return RedirectResponse("/panel/basvurular", status_code=303)

    async def staff_page(session: AsyncSession, actor: roles.Actor, token: str, status: int = 200,
                         **context: Any) -> HTMLResponse:
        """Every member with their role, centres and state, and the invite form."""
        rows = [{"id": m.id, "name": m.display_name, "role": m.role, "active": m.active,
                 "revoked": local_text(m.revoked_at, setup.zone) if m.revoked_at else None,
                 "centres": ", ".join(await staff_store.centres_of(session, m.id)) or "—"}
                for m in await staff_store.members(session)]
        centres = sorted(shipped_by_id().items())
        fields = {"role": "staff", "centre": "", "hours": str(DEFAULT_HOURS), **context.pop("given", {})}
        return page("staff.html", actor, token, status, rows=rows, roles=roles.ROLES, given=fields,
                    centres=[(cid, c.name_in(actor.language)) for cid, c in centres],
                    **{"errors": {}, "link": None, "until": None, "revoke_error": None, **context})

    async def staff_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "staff.invite")
            return await staff_page(session, actor, token)

    async def staff_invite(request: Request) -> Response:
        """`kentbot staff invite` on the web: the single-use link is shown once, on this page."""
        async with setup.sessions() as session:
            actor, token = await member(request, session)
            allow(actor, "staff.invite")
            form = await posted(request, token)
            given = {name: form.get(name, "") for name in ("role", "centre", "hours")}
            checked = invite_form(given["role"], given["centre"], given["hours"], set(shipped_by_id()))
            username = await setup.bot_username() if isinstance(checked, InviteForm) else None
            if not isinstance(checked, InviteForm) or username is None:
                errors = checked if isinstance(checked, dict) else {"form": "username"}
                return await staff_page(session, actor, token, 400, errors=errors, given=given)
            try:
                made = await invites.create(session, role=checked.role, centre_id=checked.centre_id, hours=checked.hours,
                                            actor=actor, now=setup.clock())
            except Refusal:
                await session.rollback()
                return await staff_page(session, actor, token, 400, errors={"centre": "centre_unknown"}, given=given)
            await session.commit()
            return await staff_page(session, actor, token, link=made.link(username),
                                    until=local_text(made.expires_at, setup.zone))

    async def staff_revoke(request: Request) -> Response:
        """`kentbot staff revoke`: every right taken away and every panel session of theirs ended."""
        async with setup.sessions() as session:
            actor, token = await member(request, session)
            allow(actor, "staff.revoke")
            await posted(request, token)
            try:
                await invites.revoke(session, staff_id=request.path_params["staff_id"], actor=actor, now=setup.clock())
            except Refusal:
                await session.rollback()
                return await staff_page(session, actor, token, 400, revoke_error=request.path_params["staff_id"])
            await session.commit()
        return RedirectResponse("/panel/personel", status_code=303)

    async def event_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            centres = roles.centres_for(actor, "attendance.record")
            found = await event_store.for_centres(
                session, None if centres is None else sorted(centres), setup.clock() - EVENTS_SINCE, EVENTS_LIMIT)
            rows = [await _event_row(session, event, setup.zone) for event in found]
        query = request.query_params
        number = _query_number(request, "sayfa", 1, MAX_PAGE, 1)
        table = page_of(rows, EVENT_SORTS, query.get("sirala"), query.get("yon"), number, "starts_at")
        return page("events.html", actor, token, table=table, links=_table_links("/panel/etkinlikler", table, query))

    async def event_detail(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            event = await _event(session, request)
            allow(actor, "attendance.record", event.centre_id)
            row = await _event_row(session, event, setup.zone)
        return page("event.html", actor, token, event=row, error=None, value="")

    async def headcount(request: Request) -> Response:
        """Mark an event held with how many came: the chat's headcount, with its rules. A wrong
        value is told beside the field and changes nothing."""
        async with setup.sessions() as session:
            actor, token = await member(request, session)
            event = await _event(session, request)
            allow(actor, "attendance.record", event.centre_id)
            form = await posted(request, token)
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
                row = await _event_row(session, await _event(session, request), setup.zone)
                return page("event.html", actor, token, 400, event=row, error=f"event_error_{error}", value=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/etkinlikler/{event.id}", status_code=303)

    async def audit_log(request: Request) -> Response:
        query = request.query_params
        filters = {name: (query.get(name) or "").strip()[:100] for name in ("islem", "kisi", "nesne")}
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "report.read")
            number = _query_number(request, "sayfa", 1, MAX_PAGE, 1)
            entries, total = await audit.filtered(
                session, action=filters["islem"] or None, actor=filters["kisi"] or None,
                object_id=filters["nesne"] or None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        rows = [{"at": local_text(e.at, setup.zone), "actor": e.actor, "action": e.action,
                 "object": f"{e.object_type}:{e.object_id or '-'}", "web": e.actor.startswith("web:")} for e in entries]
        kept = {name: value for name, value in filters.items() if value}
        return page("audit.html", actor, token, rows=rows, filters=filters, total=total, number=number, pages=pages,
                    previous=f"/panel/denetim?{urlencode({**kept, 'sayfa': number - 1})}" if number > 1 else None,
                    next=f"/panel/denetim?{urlencode({**kept, 'sayfa': number + 1})}" if number < pages else None)

    async def plan_rows(session: AsyncSession, lang: str, year: int) -> list[dict[str, Any]]:
        plan = await current_plan(session, year)
        return [{"code": i.code, "name": i.name_in(lang), "unit": i.unit,
                 "planned": _typed(plan.planned(i.code, year)), "baseline": _typed(plan.baseline(i.code, year))}
                for i in plan.indicators]

    async def plan_page(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "plan.set")
            year = _query_number(request, "yil", FIRST_YEAR, LAST_YEAR, setup.default_year)
            rows = await plan_rows(session, actor.language, year)
        return page("plan.html", actor, token, rows=rows, year=year, errors={}, code=None, given={})

    async def plan_set(request: Request) -> Response:
        """The command line's `kentbot plan set`, one indicator and year at a time."""
        async with setup.sessions() as session:
            actor, token = await member(request, session)
            allow(actor, "plan.set")
            form = await posted(request, token)
            given = {name: form.get(name, "") for name in ("code", "year", "planned", "baseline")}
            try:
                await plan_values.set_from_form(session, actor, now=setup.clock(), **given)
            except plan_values.FieldsRefused as refused:
                await session.rollback()
                year = int(given["year"]) if refused.fields.keys() - {"year"} else setup.default_year
                rows = await plan_rows(session, actor.language, year)
                return page("plan.html", actor, token, 400, rows=rows, year=year, errors=refused.fields,
                            code=given["code"], given=given)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/plan?{urlencode({'yil': given['year']})}", status_code=303)

    async def downloads(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await member(request, session)
            allow(actor, "report.read")
        return page("downloads.html", actor, token, periods=NAMED_PERIODS, year=setup.default_year)

    async def weekly_workbook(request: Request) -> Response:
        """`kentbot report --format xlsx` for a named period, in the member's language."""
        async with setup.sessions.begin() as session:
            actor, _ = await member(request, session)
            allow(actor, "report.read")
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
                        headers=_attachment(f"kentbot-{first.isoformat()}-{last.isoformat()}.xlsx"))

    async def open_data(request: Request) -> Response:
        """Every indicator's open data row for a year (`kentbot export opendata`'s CSV), from the
        figures the public pages show."""
        async with setup.sessions.begin() as session:
            actor, _ = await member(request, session)
            allow(actor, "report.read")
            year = _query_number(request, "yil", FIRST_YEAR, LAST_YEAR, setup.default_year)
            await audit.append(session, at=setup.clock(), actor=actor.label, action="export.opendata",
                               object_type="year", object_id=str(year))
        figures = await setup.cache.get(year)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=OPEN_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in figures.open_rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"hedef-4.2-{year}.csv"))

    async def error(request: Request, exc: Exception) -> Response:
        key = exc.detail if isinstance(exc, Refused) else "error_not_found"
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if isinstance(exc, HTTPException) and not isinstance(exc, Refused):
            key = "error_method" if status == 405 else "error_not_found"
        return _render("error.html", _lang(request.query_params.get("dil")), status, message_key=key)

    routes = [
        Route("/", dashboard, methods=["GET"]),
        Route("/giris/{token}", link_page, methods=["GET"]),
        Route("/giris/{token}", sign_in, methods=["POST"]),
        Route("/cikis", sign_out, methods=["POST"]),
        Route("/cikti", signed_out, methods=["GET"]),
        Route("/gosterge/{code}", indicator_page, methods=["GET"]),
        Route("/anket", survey_list, methods=["GET"]),
        Route("/anket/{survey_id}", survey_page, methods=["GET"]),
        Route("/yorumlar", comment_list, methods=["GET"]),
        Route("/basvurular", application_list, methods=["GET"]),
        Route("/basvurular/{membership_id:int}", application_decide, methods=["POST"]),
        Route("/personel", staff_list, methods=["GET"]),
        Route("/personel/davet", staff_invite, methods=["POST"]),
        Route("/personel/{staff_id:int}/kaldir", staff_revoke, methods=["POST"]),
        Route("/etkinlikler", event_list, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}", event_detail, methods=["GET"]),
        Route("/etkinlikler/{event_id:int}/katilim", headcount, methods=["POST"]),
        Route("/denetim", audit_log, methods=["GET"]),
        Route("/plan", plan_page, methods=["GET"]),
        Route("/indirme", downloads, methods=["GET"]),
        Route("/indirme/haftalik.xlsx", weekly_workbook, methods=["GET"]),
        Route("/indirme/acik-veri.csv", open_data, methods=["GET"]),
        Route("/plan", plan_set, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error})
    app.add_middleware(PanelHeaders, error_page=_server_error, https=setup.https)
    return app


def _server_error(scope: Scope) -> Response:
    """The page for an error nothing handled: the panel's own, in its words, no detail."""
    return _render("error.html", _lang(Request(scope).query_params.get("dil")), 500, message_key="error_server")


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _typed(value: float | None) -> str:
    """A plan value as a form shows it: 12 rather than 12.0, nothing when unknown."""
    return "" if value is None else f"{value:g}"


def _query_number(request: Request, name: str, low: int, high: int, default: int) -> int:
    """A whole number from the query string, `default` when absent; anything else is a 400 page."""
    given = request.query_params.get(name)
    if given is None:
        return default
    value = whole_number(given, low, high)
    if value is None:
        raise Refused(400, "error_bad_number")
    return value


def _lang(given: str | None) -> str:
    return given if given in ("tr", "en", "ar") else "tr"


async def _event(session: AsyncSession, request: Request) -> Event:
    event_id = request.path_params["event_id"]
    event = await session.get(Event, event_id) if event_id <= MAX_ID else None
    if event is None:
        raise Refused(404, "error_not_found")
    return event


async def _event_row(session: AsyncSession, event: Event, zone: ZoneInfo) -> dict[str, Any]:
    """What the events table and the event page show: the chat's event screen, as values."""
    people = await event_store.registered_people(session, event.id)
    confirmed = sum(1 for registration, _ in people if registration.status == "confirmed")
    return {
        "id": event.id, "title": event.title, "centre_id": event.centre_id, "status": event.status,
        "starts_at": event.starts_at, "when": local_text(event.starts_at, zone), "capacity": event.capacity,
        "confirmed": confirmed, "waiting": len(people) - confirmed,
        "present": await event_store.attendance_count(session, event.id), "headcount": event.headcount,
    }


EVENT_SORTS: Mapping[str, Callable[[Mapping[str, Any]], Any]] = {
    "starts_at": lambda row: (row["starts_at"], row["id"]),
    "title": lambda row: (turkish_key(row["title"]), row["id"]),
    "centre": lambda row: (row["centre_id"], row["starts_at"]),
    "status": lambda row: (row["status"], row["starts_at"]),
    "present": lambda row: (row["present"], row["id"]),
}


def _table_links(path: str, table: Any, query: Mapping[str, str]) -> dict[str, Any]:
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
