"""The public pages' security headers on every panel response, and no caching anywhere: a
panel page is one member's. Unlike the public pages, the panel keeps its session cookie. An
error nothing handled gets the panel's 500 page, with the same headers."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.headers import SECURITY_HEADERS, ErrorPage, guarded


class PanelHeaders:
    def __init__(self, app: ASGIApp, error_page: ErrorPage | None = None) -> None:
        self.app = app
        self.error_page = error_page

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
            await send(message)

        await guarded(self.app, scope, receive, secured, self.error_page)
