"""The public pages served over real HTTP (uvicorn on a local port) from a seeded database,
wired as `kentbot web` wires them, and `kentbot` itself run as from a shell beside them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bot.cli import main
from bot.config import load_settings
from bot.services import build_services
from bot.web.app import create_web_app
from bot.web.public import public_mount
from bot.web.server import listening_socket, serving
from web.cache import FigureCache

CODES = tuple(f"4.2.{n}" for n in range(1, 12))
LANGUAGE_PREFIXES = {"tr": "", "en": "/en", "ar": "/ar"}


@dataclass
class Site:
    client: httpx.AsyncClient
    cache: FigureCache


@asynccontextmanager
async def public_site(year: int) -> AsyncIterator[Site]:
    """The pages on a free port, from the database the environment names (DATABASE_URL)."""
    services = build_services(load_settings())
    mount, cache = public_mount(services, year)
    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    try:
        async with serving(create_web_app([mount]), sock, grace=1), \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield Site(client, cache)
    finally:
        await services.close()


async def kentbot_json(capsys: Any, *args: str) -> Any:
    """What `kentbot ARGS` prints, as JSON; run in a thread with its own loop, as from a shell."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def every_page_path(codes: tuple[str, ...] = CODES) -> list[str]:
    """The target page and every İNCELE page, in the three languages."""
    paths = []
    for prefix in LANGUAGE_PREFIXES.values():
        paths.append(prefix or "/")
        paths += [f"{prefix}/gosterge/{code}" for code in codes]
    return paths
