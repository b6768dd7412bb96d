"""Security headers on every public response: no scripts, no framing, no referrer, no sniffing.
An error nothing handled is logged and answered with a plain 500 page that carries them too,
never a traceback.

The pages load only their own stylesheet; the charts are inline SVG drawn with attributes,
so the policy allows no inline style or script at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_log = logging.getLogger(__name__)
ErrorPage = Callable[[Scope], Response]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Served over https: browsers are to use nothing else for a year.
STRICT_TRANSPORT = "max-age=31536000"
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def relative_location(headers: MutableHeaders) -> None:
    """Make a redirect's Location a path on this site. Starlette builds its trailing-slash
    redirect (`/en/` to `/en`) from the request's Host header, which whoever sends the request
    chooses: a cache or a link could then send visitors to another site."""
    location = headers.get("location")
    if location is not None:
        parts = urlsplit(location)
        path = "/" + parts.path.lstrip("/")  # never "//host", which a browser reads as another site
        headers["location"] = path + (f"?{parts.query}" if parts.query else "")


class SecurityHeaders:
    """ASGI middleware that sets the headers above, keeps redirects on this site and drops any
    cookie a response would set (a subclass may keep them and add headers of its own)."""

    keeps_cookies = False
    extra_headers: Mapping[str, str] = MappingProxyType({})

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
                for name, value in {**SECURITY_HEADERS, **self.extra_headers}.items():
                    headers[name] = value
                if not self.keeps_cookies:
                    del headers["set-cookie"]
                relative_location(headers)
                if self.https or scope.get("scheme") == "https":
                    headers["Strict-Transport-Security"] = STRICT_TRANSPORT
            await send(message)

        await guarded(self.app, scope, receive, secured, self.error_page)


def plain_error(scope: Scope) -> Response:
    return PlainTextResponse("500", status_code=500)


async def guarded(app: ASGIApp, scope: Scope, receive: Receive, send: Send, error_page: ErrorPage | None) -> None:
    """Run `app`; an exception it let through is logged and answered with `error_page` (status
    500) through `send`, so with the headers `send` adds. Once a response has begun, nothing
    can be said any more and the exception goes on."""
    started = False

    async def watched(message: Message) -> None:
        nonlocal started
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, receive, watched)
    except Exception:
        _log.exception("unexpected error serving %s %s", scope.get("method"), scope.get("path"))
        if started:
            raise
        await (error_page or plain_error)(scope)(scope, receive, send)
