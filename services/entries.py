"""Aid to students (4.2.3) and completed centres (4.2.1, 4.2.6), entered by staff.

A student is counted once per year without their school number being stored: the entry
carries a keyed hash of the normalised number and the year (`beneficiary_key`). Entries are
never changed or deleted; a correction is a new row with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.refusal import Refusal
from services.roles import Actor, label_for, require
from storage.locks import lock_in_transaction
from storage.models import Centre, IndicatorEntry
from storage.pseudonyms import beneficiary_key
from storage.repositories import audit
from storage.repositories import entries as entry_store

AID = "4.2.3"
MILESTONES = {"4.2.1": ("youth_centre",), "4.2.6": ("women_centre",)}
MAX_AID_BATCH = 500
_SCHOOL_ID = re.compile(r"[0-9A-Za-z]{1,20}")


def aid_key(secret: bytes, school_id: str, year: int) -> str:
    """One student in one year; the same number next year counts again."""
    return beneficiary_key(secret, f"aid:{year}", school_id.strip().upper())


def parse_school_ids(text: str) -> tuple[list[str], list[str]]:
    """School numbers typed one per line (or separated by commas): (valid, rejected)."""
    parts = [p.strip() for p in re.split(r"[\n,;]+", text) if p.strip()]
    valid = [p.upper() for p in parts if _SCHOOL_ID.fullmatch(p)]
    rejected = [p for p in parts if not _SCHOOL_ID.fullmatch(p)]
    return list(dict.fromkeys(valid)), rejected


def _snapshot(entry: IndicatorEntry) -> dict[str, Any]:
    return {
        "indicator_code": entry.indicator_code, "centre_id": entry.centre_id, "occurred_on": entry.occurred_on.isoformat(),
        "quantity": entry.quantity, "note": entry.note, "corrects_entry_id": entry.corrects_entry_id, "reason": entry.reason,
    }


@dataclass(frozen=True)
class AidResult:
    added: int
    already_counted: int


async def log_aid(
    session: AsyncSession, actor: Actor | None, *, centre_id: str, occurred_on: date, school_ids: list[str],
    note: str | None, secret: bytes, now: datetime, today: date,
) -> AidResult:
    """One entry (quantity 1) per student not yet given aid this year. `today` is the local
    date (Europe/Istanbul): between 00:00 and 03:00 the UTC date is still yesterday."""
    actor = require(actor, "entry.add", centre_id)
    if await session.get(Centre, centre_id) is None:
        raise Refusal("centre")
    if not school_ids or len(school_ids) > MAX_AID_BATCH:
        raise Refusal("batch")
    if occurred_on > today:
        raise Refusal("future")
    added = duplicates = 0
    for school_id in school_ids:
        key = aid_key(secret, school_id, occurred_on.year)
        if await entry_store.effective_with_key(session, AID, key) is not None:
            duplicates += 1
            continue
        entry = IndicatorEntry(
            indicator_code=AID, centre_id=centre_id, occurred_on=occurred_on, quantity=1, note=note,
            beneficiary_key=key, entered_by=actor.label, entered_at=now,
        )
        session.add(entry)
        await session.flush()
        await audit.append(
            session, at=now, actor=actor.label, action="entry.add", object_type="indicator_entry",
            object_id=str(entry.id), after=_snapshot(entry),
        )
        added += 1
    return AidResult(added, duplicates)


async def add_milestone(
    session: AsyncSession, actor: Actor | str | None, *, code: str, centre_id: str, completed_on: date, note: str,
    now: datetime, today: date,
) -> IndicatorEntry:
    """A centre whose construction is complete, with an evidence note; once per centre.
    `today` is the local date, as for aid."""
    label = label_for(actor, "entry.milestone", centre_id)
    if code not in MILESTONES:
        raise Refusal("code")
    centre = await session.get(Centre, centre_id)
    if centre is None or centre.type not in MILESTONES[code]:
        raise Refusal("centre")
    if not note.strip():
        raise Refusal("note")
    if completed_on > today:
        raise Refusal("future")
    # Two managers entering the same centre at once: the second waits, then sees the first.
    await lock_in_transaction(session, f"milestone:{code}:{centre_id}")
    if await entry_store.effective_milestone(session, code, centre_id) is not None:
        raise Refusal("duplicate")
    entry = IndicatorEntry(
        indicator_code=code, centre_id=centre_id, occurred_on=completed_on, quantity=1, note=note.strip(),
        entered_by=label, entered_at=now,
    )
    session.add(entry)
    await session.flush()
    await audit.append(
        session, at=now, actor=label, action="entry.add", object_type="indicator_entry", object_id=str(entry.id),
        after=_snapshot(entry),
    )
    return entry


async def correct(
    session: AsyncSession, actor: Actor | str | None, *, entry_id: int, quantity: float, occurred_on: date | None,
    note: str | None, reason: str, now: datetime, today: date,
) -> IndicatorEntry:
    """Replace an effective entry by a new row; quantity 0 withdraws it. A new date may not be
    after `today` (the local date, as for aid), and an aid entry keeps its year: its key is
    the student's for that year, and the school number is not there to make another."""
    original = await session.get(IndicatorEntry, entry_id, with_for_update=True)
    if original is None:
        raise Refusal("unknown")
    label = label_for(actor, "entry.correct", original.centre_id)
    if await entry_store.corrected_by(session, entry_id) is not None:
        raise Refusal("already_corrected")
    if not reason.strip():
        raise Refusal("reason")
    if quantity not in (0, 1):
        # Every entry is one student's aid or one completed centre: it is kept (1) or withdrawn (0).
        raise Refusal("quantity")
    if occurred_on is not None and occurred_on > today:
        raise Refusal("future")
    if occurred_on is not None and original.beneficiary_key is not None and occurred_on.year != original.occurred_on.year:
        raise Refusal("year")
    entry = IndicatorEntry(
        indicator_code=original.indicator_code, centre_id=original.centre_id,
        occurred_on=occurred_on or original.occurred_on, quantity=quantity,
        note=original.note if note is None else note, beneficiary_key=original.beneficiary_key,
        corrects_entry_id=original.id, reason=reason.strip(), entered_by=label, entered_at=now,
    )
    session.add(entry)
    await session.flush()
    await audit.append(
        session, at=now, actor=label, action="entry.correct", object_type="indicator_entry", object_id=str(entry.id),
        before=_snapshot(original), after=_snapshot(entry),
    )
    return entry

