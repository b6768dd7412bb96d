"""Report periods in local time: ISO weeks, named periods and their UTC bounds.

Managers think in Istanbul days and ISO weeks (Monday to Sunday, week 1 holds the
year's first Thursday), while event times are stored in UTC; everything that crosses
between the two goes through here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ISTANBUL = ZoneInfo("Europe/Istanbul")
NAMED_PERIODS = ("this_week", "last_week", "this_month", "year_to_date")
REPORT_WEEKDAY = 0  # Monday
REPORT_TIME = time(9, 0)


def iso_week(day: date) -> str:
    """'2026-W53' style key; the ISO year, which differs from the calendar year near 1 January."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def utc_bounds(first: date, last: date, zone: ZoneInfo = ISTANBUL) -> tuple[datetime, datetime]:
    """The instants [local midnight starting `first`, local midnight after `last`)."""
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return start, end


def named_period(name: str, today: date) -> tuple[date, date]:
    """Inclusive (from, to) for a period chosen by a manager on `today` (local)."""
    if name == "this_week":
        return week_bounds(today)[0], today
    if name == "last_week":
        return week_bounds(today - timedelta(days=7))
    if name == "this_month":
        return today.replace(day=1), today
    if name == "year_to_date":
        return date(today.year, 1, 1), today
    raise ValueError(f"unknown period {name!r}; known: {', '.join(NAMED_PERIODS)}")


def due_week(now: datetime, zone: ZoneInfo = ISTANBUL) -> tuple[date, date]:
    """The ISO week whose report is due at `now`: the week before the latest Monday 09:00
    local that has passed. A bot that was down on Monday still finds that week on its return."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == REPORT_WEEKDAY and local.time() < REPORT_TIME:
        monday -= timedelta(days=7)
    return week_bounds(monday - timedelta(days=1))
