"""Periodic work run by the bot process (outbox drain, reminders, weekly reports, the
anonymous survey's drafts, pending pool and participation tokens).

Every job must be safe to run in several workers at once: it claims its rows in the
database, so a tick that finds nothing to do costs one query.
"""

from __future__ import annotations

from typing import Any

from bot.anonymous_storage import JOB_SECONDS as ANONYMOUS_STORAGE_SECONDS
from bot.anonymous_storage import tidy_job as anonymous_storage_job
from bot.chat.menus import sync_job as staff_menus_job
from bot.chat.reminders import reminders_job
from bot.outbox import drain_job
from bot.retention import retention_job, trails_job
from reports.schedule import TICK_SECONDS, weekly_report_job

JOBS: tuple[tuple[str, float, Any], ...] = (
    ("outbox-drain", 1.0, drain_job),
    ("retention", 3600.0, retention_job),
    ("chat-trails", 300.0, trails_job),
    ("anonymous-storage", ANONYMOUS_STORAGE_SECONDS, anonymous_storage_job),
    ("weekly-report", TICK_SECONDS, weekly_report_job),
    ("event-reminders", 300.0, reminders_job),
    ("staff-menus", 60.0, staff_menus_job),
)


def register_jobs(application: Any) -> None:
    """Schedule every job on the application's job queue; `JOBS` lists (name, seconds, callback)."""
    for name, interval, callback in JOBS:
        application.job_queue.run_repeating(callback, interval=interval, first=interval, name=name)
