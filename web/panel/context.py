"""What every panel page shares: the process's setup, the signed-in member, the right checks,
the CSRF-checked form and the page rendering. Each area of the panel (web/panel/pages/) takes a
`Panel` and returns its routes, so an area is one module and its rules are checked in one place.

No session: 401. A signed-in member asking for what their role or centres do not allow: 403.
Every POST must carry the session's form token; a missing or wrong one is a 403 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from services import panel_access, roles
from services.notices import Notice, SurveyInvitation
from services.whole_numbers import whole_number
from surveys.definition import SurveyDefinition
from web.cache import FigureCache
from web.panel.texts import panel_words

HERE = Path(__file__).parent
COOKIE = "kentbot_panel"
MAX_FORM_BYTES = 16_384
# Bounds of what a query or form may ask for: beyond them a page says so (and no database overflows).
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1
LANGUAGES = ("tr", "en", "ar")
Row = TypeVar("Row")
DASHBOARD = "/panel/"
# The address of the page being answered, which its language switch returns to: set when the
# member is read (each request runs in its own context), the dashboard when no page can be opened again.
_here: ContextVar[str] = ContextVar("here", default=DASHBOARD)

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
    # KENTBOT_SECRET: the key people are counted under (services.attendance.person_key), and the
    # keyed hash an aid entry keeps of a school number, as in chat.
    secret: bytes
    # The surveys an attendee may be invited to.
    surveys: dict[str, SurveyDefinition]
    # Queues the survey invitation a tick made owed, in the caller's transaction, worded and linked
    # (to the bot's username) as a tick in chat queues it: the bot supplies it, like `notify`.
    invite: Callable[[AsyncSession, SurveyInvitation, str, datetime], Awaitable[object]]
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


def render(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    languages = [(code, panel_words(code)["language_name"]) for code in LANGUAGES]
    html = _templates.get_template(name).render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=panel_words(lang), languages=languages, **context)
    return HTMLResponse(html, status_code=status)


def language_links(request: Request) -> dict[str, str] | None:
    """For a page without a session: the same address in each language (`?dil=`); a POST's
    answer has none, as a link cannot send the form again."""
    if request.method != "GET":
        return None
    links = {}
    for code in LANGUAGES:
        url = request.url.include_query_params(dil=code)
        links[code] = f"{url.path}?{url.query}"
    return links


def page_address(request: Request) -> str | None:
    """The address that shows this page again: a GET's own, with its query; None for a POST."""
    if request.method != "GET":
        return None
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def lang_of(given: str | None) -> str:
    return given if given in LANGUAGES else "tr"


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def query_number(request: Request, name: str, low: int, high: int, default: int) -> int:
    """A whole number from the query string, `default` when absent; anything else is a 400 page."""
    given = request.query_params.get(name)
    if given is None:
        return default
    value = whole_number(given, low, high)
    if value is None:
        raise Refused(400, "error_bad_number")
    return value


def path_id(request: Request, name: str) -> int:
    """A numeric id from the address; one past the database's range names nothing: a 404 page."""
    value: int = request.path_params[name]
    if value > MAX_ID:
        raise Refused(404, "error_not_found")
    return value


async def row_named(session: AsyncSession, model: type[Row], request: Request, name: str) -> Row:
    """The row of `model` the address's id `name` names, or a 404 page."""
    row = await session.get(model, path_id(request, name))
    if row is None:
        raise Refused(404, "error_not_found")
    return row


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the first value of each); too large a body is refused."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:  # read no further
            raise Refused(413, "error_too_large")
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


@dataclass(frozen=True)
class Panel:
    """The setup plus the checks every page makes, so a page reads as what it does."""

    setup: PanelSetup

    def secure(self, request: Request) -> bool:
        return self.setup.https or request.url.scheme == "https"

    def now(self) -> datetime:
        return self.setup.clock()

    async def member(self, request: Request, session: AsyncSession) -> tuple[roles.Actor, str]:
        """The signed-in member and their cookie token, or a 401."""
        token = request.cookies.get(COOKIE)
        actor = await panel_access.signed_in(session, token, self.setup.clock())
        if actor is None or token is None:
            raise Refused(401, "error_signed_out")
        _here.set(page_address(request) or DASHBOARD)
        return actor, token

    @staticmethod
    def allow(actor: roles.Actor, action: str, centre_id: str | None = None) -> None:
        if not roles.can(actor, action, centre_id):
            raise Refused(403, "error_forbidden")

    @staticmethod
    async def posted(request: Request, token: str) -> dict[str, str]:
        """The form, once its CSRF token is the session's."""
        form = await read_form(request)
        if not panel_access.csrf_matches(token, form.get("csrf")):
            raise Refused(403, "error_csrf")
        return form

    @staticmethod
    def page(name: str, actor: roles.Actor, token: str, status: int = 200, **context: Any) -> HTMLResponse:
        return render(name, actor.language, status, actor=actor, csrf=panel_access.csrf_token(token), here=_here.get(),
                      is_manager=roles.can(actor, "report.read"),
                      is_admin=roles.can(actor, "staff.invite"), **context)
