"""The Monday report: due at 09:00 Istanbul time, sent once per ISO week, caught up later.

The schedule lives in the database, not in the job queue: each tick asks which week is
due at `now` and whether that week's `report_runs` row exists. If not, the report is read
from the database and drawn (in a thread, outside any transaction, so citizens' updates go
on meanwhile); then one short transaction claims the week and queues the messages. The
claim and the queued messages commit together, so two workers never both send, a failure
leaves the week unclaimed for the next tick, and a bot that was down on Monday sends the
report when it comes back. Only the latest due week is caught up: older ones would arrive stale,
and each report already carries the year to date.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reports.delivery import queue_files
from reports.labels import LANGS, label
from reports.periods import ISTANBUL, due_week, iso_week
from reports.weekly import build_weekly_report, render_all
from storage.models import StaffMember
from storage.repositories import reports as store

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


async def run_weekly(
    sessions: async_sessionmaker[AsyncSession], now: datetime, zone: ZoneInfo = ISTANBUL
) -> str | None:
    """Queue the due week's report for every subscribed manager; the week key when this call
    did it, None when the week was already done."""
    period_from, period_to = due_week(now, zone)
    week = iso_week(period_from)
    # The ISO week's first day picks the year, so the week spanning New Year closes the old year.
    build = partial(
        build_weekly_report, period_from=period_from, period_to=period_to, year=period_from.year, now=now, zone=zone
    )
    report = None
    async with sessions() as session:
        if await store.run_exists(session, week):
            return None
        languages = {_language(manager) for manager in await store.subscribers(session)}
        if languages:
            report = await build(session)
    rendered = {lang: await asyncio.to_thread(render_all, report, lang) for lang in sorted(languages)} if report else {}
    async with sessions.begin() as session:
        if not await store.claim_run(session, week=week, period_from=period_from, period_to=period_to, now=now):
            return None  # another worker queued it meanwhile
        managers = await store.subscribers(session)
        for manager in managers:
            lang = _language(manager)
            if lang not in rendered:  # subscribed while the report was being drawn
                report = report or await build(session)
                rendered[lang] = await asyncio.to_thread(render_all, report, lang)
            assert manager.telegram_user_id is not None  # subscribers() only returns reachable managers
            await queue_files(
                session, chat_id=manager.telegram_user_id, key=f"report:{week}:{manager.id}",
                files=rendered[lang], caption=label("title", lang), now=now,
            )
        await store.record_recipients(session, week, len(managers))
    log.info("weekly report %s queued for %d managers", week, len(managers))
    return week


def _language(manager: StaffMember) -> str:
    return manager.language if manager.language in LANGS else "tr"


async def weekly_report_job(context: Any) -> None:
    """JobQueue callback: one cheap claim attempt per tick."""
    services = context.bot_data["services"]
    await run_weekly(services.sessions, services.clock(), services.zone)

