"""The entry forms (aid, a completed centre, a correction) checked as chat and `kentbot entry`
check what is typed, one problem per field, before anything is written; the service
(services.entries) checks its own rules again. Pure: `today` is the municipality's local date,
which the page reads from the service clock in the service zone."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from services import entries
from services.plan_values import FIRST_YEAR, LAST_YEAR, read_number

# Chat's bounds on an evidence note and a correction's reason.
MAX_TEXT = 500
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_LOCAL_DAY = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})")


@dataclass(frozen=True)
class AidForm:
    centre_id: str
    occurred_on: date
    school_ids: list[str]
    note: str | None


@dataclass(frozen=True)
class MilestoneForm:
    code: str
    centre_id: str
    completed_on: date
    note: str


@dataclass(frozen=True)
class CorrectionForm:
    quantity: int
    occurred_on: date | None
    reason: str


def read_day(text: str, today: date) -> date | str:
    """A day as a date field sends it (2026-11-28) or as chat takes it (28.11.2026), or the
    problem: `missing`, `date` (no such day), `range` (outside the plan's years), `future`."""
    typed = text.strip()
    if not typed:
        return "missing"
    if iso := _ISO_DAY.fullmatch(typed):
        year, month, day_of_month = iso.groups()
    elif local := _LOCAL_DAY.fullmatch(typed):
        day_of_month, month, year = local.groups()
    else:
        return "date"
    try:
        day = date(int(year), int(month), int(day_of_month))
    except ValueError:
        return "date"
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return "range"
    return "future" if day > today else day


def read_quantity(text: str) -> int | str:
    """1 keeps an entry, 0 withdraws it (each counts one student or one centre), or the
    problem: `missing`, `number` (inf and nan are none), `whole` (0.5 of a student), `range`."""
    value = read_number(text)
    if isinstance(value, str):
        return value
    if value != int(value):
        return "whole"
    return int(value) if value in (0, 1) else "range"


def _text(text: str, required: bool) -> str | None:
    """A note or reason: `missing` when required and blank, `long` past chat's bound."""
    typed = text.strip()
    if required and not typed:
        return "missing"
    return "long" if len(typed) > MAX_TEXT else None


def aid_form(
    centre: str, day: str, school_numbers: str, note: str, today: date, centres: Collection[str]
) -> AidForm | dict[str, str]:
    """The aid asked for, or each wrong field's problem. Unlike chat, which saves the good lines
    and names the rest, a form with a line that is no school number saves nothing."""
    problems: dict[str, str] = {}
    if centre not in centres:
        problems["centre"] = "missing" if not centre else "centre"
    occurred_on = read_day(day, today)
    if isinstance(occurred_on, str):
        problems["day"] = occurred_on
    valid, rejected = entries.parse_school_ids(school_numbers)
    if rejected:
        problems["school_ids"] = "rejected"
    elif not valid:
        problems["school_ids"] = "missing"
    elif len(valid) > entries.MAX_AID_BATCH:
        problems["school_ids"] = "batch"
    if (note_problem := _text(note, required=False)) is not None:
        problems["note"] = note_problem
    if problems or isinstance(occurred_on, str):
        return problems
    return AidForm(centre, occurred_on, valid, note.strip() or None)


def rejected_lines(school_numbers: str) -> str:
    """The lines of a refused aid form that are no school number, as chat lists them."""
    return ", ".join(entries.parse_school_ids(school_numbers)[1][:10])


def milestone_form(
    code: str, centre: str, day: str, note: str, today: date, centres: Collection[str]
) -> MilestoneForm | dict[str, str]:
    """The completed centre asked for (`centres`: those of the code's type the member may
    log), or each wrong field's problem."""
    problems: dict[str, str] = {}
    if code not in entries.MILESTONES:
        problems["code"] = "missing" if not code else "code"
    elif centre not in centres:
        problems["centre"] = "missing" if not centre else "type"
    completed_on = read_day(day, today)
    if isinstance(completed_on, str):
        problems["day"] = completed_on
    if (note_problem := _text(note, required=True)) is not None:
        problems["note"] = note_problem
    if problems or isinstance(completed_on, str):
        return problems
    return MilestoneForm(code, centre, completed_on, note.strip())


def correction_form(quantity: str, day: str, reason: str, today: date) -> CorrectionForm | dict[str, str]:
    """The correction asked for (an empty day keeps the entry's own), or each wrong field's problem."""
    problems: dict[str, str] = {}
    value = read_quantity(quantity)
    if isinstance(value, str):
        problems["quantity"] = value
    occurred_on = read_day(day, today) if day.strip() else None
    if isinstance(occurred_on, str):
        problems["day"] = occurred_on
    if (reason_problem := _text(reason, required=True)) is not None:
        problems["reason"] = reason_problem
    if problems or isinstance(value, str) or isinstance(occurred_on, str):
        return problems
    return CorrectionForm(value, occurred_on, reason.strip())
