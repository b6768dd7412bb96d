"""`GET /healthz` and `GET /metrics`: what an operator's monitor asks a worker.

`/healthz` answers 200 when the database answers and its schema is the code's, 503 otherwise,
with the reasons as JSON; `/metrics` is Prometheus's text format. Both show counts, times and
revisions only: nothing about any person, no URL, no key. Every database read has a short
time-out, so a stuck database makes the check fail instead of hang.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.services import Services
from storage.migrate import current_revision, head_revision, schema_state
from storage.repositories import monitoring

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0


async def _ping(services: Services) -> None:
    async with services.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _backlog(services: Services) -> monitoring.Backlog:
    async with services.sessions() as session:
        return await monitoring.outbox_backlog(session, services.clock())


async def health(services: Services) -> tuple[bool, dict[str, Any]]:
    """Whether the worker can serve, and the report that says why (or why not)."""
    try:
        await asyncio.wait_for(_ping(services), DATABASE_TIMEOUT)
        current = await asyncio.wait_for(current_revision(services.engine), DATABASE_TIMEOUT)
        state = schema_state(current)
        # The outbox table may not be there yet on a schema that is behind.
        backlog = await asyncio.wait_for(_backlog(services), DATABASE_TIMEOUT) if state == "current" else None
    except Exception as error:  # noqa: BLE001 - any failure to reach the database is the answer
        log.warning("health check: the database does not answer (%s)", error.__class__.__name__)
        return False, {
            "database": {"reachable": False},
            "migration": {"state": "unknown", "revision": None, "head": head_revision()},
            "outbox": None,
        }
    outbox = None if backlog is None else {"pending": backlog.pending, "oldest_pending_age_seconds": _age(services, backlog)}
    report = {
        "database": {"reachable": True},
        "migration": {"state": state, "revision": current, "head": head_revision()},
        "outbox": outbox,
    }
    return state == "current", report


def _age(services: Services, backlog: monitoring.Backlog) -> float:
    if backlog.oldest_due is None:
        return 0.0
    return max(0.0, (services.clock() - backlog.oldest_due).total_seconds())


async def refresh_gauges(services: Services) -> None:
    """Set the gauges about stored rows from the database; NaN when it cannot be read, so a
    dashboard shows a gap rather than an old value."""
    metrics = services.metrics

    async def read() -> None:
        backlog = await _backlog(services)
        async with services.sessions() as session:
            last_report = await monitoring.last_weekly_report(session)
        metrics.outbox_pending.set(backlog.pending)
        metrics.outbox_oldest_age.set(_age(services, backlog))
        metrics.weekly_report.set(last_report.timestamp() if last_report else 0)

    try:
        await asyncio.wait_for(read(), DATABASE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - the counters are still worth serving
        log.warning("metrics: the database could not be read (%s)", error.__class__.__name__)
        for gauge in (metrics.outbox_pending, metrics.outbox_oldest_age, metrics.weekly_report):
            gauge.set(float("nan"))


def health_routes(services: Services) -> list[Route]:
    async def healthz(_: Request) -> Response:
        healthy, report = await health(services)
        return JSONResponse(report, status_code=200 if healthy else 503)

    async def metrics(_: Request) -> Response:
        await refresh_gauges(services)
        return Response(services.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
