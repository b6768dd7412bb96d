"""The language switch on every page: the member's language is stored (the one the bot's staff
messages and menu use too) and the same page is shown again, in it."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import staff_accounts
from services.refusal import Refusal
from web.panel.context import DASHBOARD, Panel, Refused


def back_to(given: str | None) -> str:
    """The panel page to return to: only an address of the panel itself, never another site's."""
    if not given or not given.isprintable() or "\\" in given:
        return DASHBOARD
    parts = urlsplit(given)
    inside = parts.path == "/panel" or parts.path.startswith("/panel/")
    if parts.scheme or parts.netloc or not inside or ".." in parts.path.split("/"):
        return DASHBOARD
    return given


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def choose(request: Request) -> Response:
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            form = await panel.posted(request, token)
            try:
                await staff_accounts.set_language(session, actor=actor, language=form.get("dil", ""), now=setup.clock())
            except Refusal:
                await session.rollback()
                raise Refused(400, "error_language") from None
            await session.commit()
        return RedirectResponse(back_to(form.get("geri")), status_code=303)

    return [Route("/dil", choose, methods=["POST"])]
