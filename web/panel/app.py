"""The web panel as one ASGI app: each area's routes (web/panel/pages/), one error page for
every refusal, and the panel's security headers. Every right is checked with services.roles.can
on each request, and every change goes through the same service call as in chat (so the same
rules and audit action names), marked as made on the web."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from web.panel.context import Panel, PanelSetup, Refused, lang_of, language_links, render
from web.panel.headers import PanelHeaders
from web.panel.pages import (
    applications,
    audit_log,
    downloads,
    entries,
    entry_logging,
    events,
    figures,
    language,
    plan,
    results,
    signing,
    staff,
)

AREAS = (signing, figures, results, applications, staff, events, audit_log, plan, downloads, entries, entry_logging,
         language)

__all__ = ["PanelSetup", "panel_app"]


def panel_app(setup: PanelSetup) -> Starlette:
    """The panel as an ASGI app, to mount at /panel beside the public pages."""
    panel = Panel(setup)

    async def error(request: Request, exc: Exception) -> Response:
        key = exc.detail if isinstance(exc, Refused) else "error_not_found"
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if isinstance(exc, HTTPException) and not isinstance(exc, Refused):
            key = "error_method" if status == 405 else "error_not_found"
        return render("error.html", lang_of(request.query_params.get("dil")), status, message_key=key,
                      switch=language_links(request))

    routes = [route for area in AREAS for route in area.routes(panel)]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error})
    app.add_middleware(PanelHeaders, error_page=_server_error, https=setup.https)
    return app


def _server_error(scope: Scope) -> Response:
    """The page for an error nothing handled: the panel's own, in its words, no detail."""
    return render("error.html", lang_of(Request(scope).query_params.get("dil")), 500, message_key="error_server")
