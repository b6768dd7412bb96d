"""The public pages' security headers on every panel response, and no caching anywhere: a
panel page is one member's. Unlike the public pages, the panel keeps its session cookie. An
error nothing handled gets the panel's 500 page, with the same headers. Served over https (or
behind a proxy for an https public address), Strict-Transport-Security too."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.headers import SECURITY_HEADERS, STRICT_TRANSPORT, ErrorPage, guarded


class PanelHeaders:
    def __init__(self, app: ASGIApp, error_page: ErrorPage | None = None, https: bool = False) -> None:
        self.app = app
        self.error_page = error_page
        self.https = https  # the public address is https, whatever a proxy speaks to us

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["Cache-Control"] = "no-store"
                if self.https or scope.get("scheme") == "https":
                    headers["Strict-Transport-Security"] = STRICT_TRANSPORT
            await send(message)

        await guarded(self.app, scope, receive, secured, self.error_page)
