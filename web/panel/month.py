"""A calendar month as the panel draws it: whole weeks from Monday (as calendars in Turkey
start), each day with what starts on it in the municipality's time zone. Pure: the caller
gives today and the events, so an event at 01:30 İstanbul time on the 1st is on the 1st,
whatever its UTC date."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

Item = TypeVar("Item")
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def step(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Its first moment and the next month's, in `zone`: the events starting in between are its own."""
        following = self.step(1)
        return (
            datetime(self.year, self.month, 1, tzinfo=zone),
            datetime(following.year, following.month, 1, tzinfo=zone),
        )


@dataclass(frozen=True)
class Day(Generic[Item]):
    day: date
    in_month: bool  # False for the weeks' edge days, of the month before or after
    today: bool
    items: tuple[Item, ...]


def weeks(month: Month, today: date, dated: Iterable[tuple[date, Item]]) -> list[list[Day[Item]]]:
    """The month's weeks, Monday to Sunday, each day with its items in the order given. The edge
    days of the months before and after show no items and are never today: they are not this month's."""
    by_day: dict[date, list[Item]] = {}
    for day, item in dated:
        by_day.setdefault(day, []).append(item)
    return [
        [
            Day(day, inside, inside and day == today, tuple(by_day.get(day, ())) if inside else ())
            for day, inside in ((day, day.month == month.month) for day in week)
        ]
        for week in _WEEKS.monthdatescalendar(month.year, month.month)
    ]
