"""The web application one kentbot process serves; each feature brings its routes."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute


def create_web_app(routes: Sequence[BaseRoute]) -> Starlette:
    """A Starlette app with `routes` (the webhook in webhook mode; public pages may join them)."""
    return Starlette(routes=list(routes))
