"""The public pages' security headers on every panel response, and no caching anywhere: a
panel page is one member's. Unlike the public pages, the panel keeps its session cookie. An
error nothing handled gets the panel's 500 page, with the same headers. Served over https (or
behind a proxy for an https public address), Strict-Transport-Security too."""

from __future__ import annotations

from types import MappingProxyType

from web.headers import SecurityHeaders


class PanelHeaders(SecurityHeaders):
    keeps_cookies = True
    extra_headers = MappingProxyType({"Cache-Control": "no-store"})
