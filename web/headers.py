"""Security headers on every public response: no scripts, no framing, no referrer, no sniffing.

The pages load only their own stylesheet; the charts are inline SVG drawn with attributes,
so the policy allows no inline style or script at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
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
    cookie a response would set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                del headers["set-cookie"]
                relative_location(headers)
            await send(message)

        await self.app(scope, receive, secured)
