"""Merging a walk-in with a registered person: staff recorded someone by name, and later the
same person registered on Telegram (or was ticked as registered at another event). After the
merge the walk-in's attendance rows carry the person's key, so 4.2.8 counts them once.

An attendance of the walk-in at an event where the person was also recorded is the same visit
twice: it is folded (removed), and the audit entry keeps what it was, so `unmerge_walkin` can
put every row back as it was. Both are audited (`attendance.merge`, `attendance.unmerge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance import normalise_name, person_key, walkin_key
from services.refusal import Refusal
from services.roles import Actor, label_for
from storage.models import Attendance, Event, Person
from storage.repositories import audit
from storage.repositories import events as event_store
from storage.repositories import walkins as store
from storage.repositories.walkins import RegisteredAttendee, WalkinSummary

# How alike two normalised names must be for a registered person to be offered for a merge.
SIMILAR = 0.8


@dataclass(frozen=True)
class MergeCandidates:
    """For a typed name at a centre: its walk-ins, and registered people there with a similar name."""

    walkins: tuple[WalkinSummary, ...]
    people: tuple[RegisteredAttendee, ...]


@dataclass(frozen=True)
class Merged:
    """What a merge did: rows moved to the person, and same-event rows folded into theirs."""

    walkin_id: int
    person_id: int
    moved: int
    folded: int


def similar(typed: str, display_name: str) -> bool:
    """Same words in any order, or nearly the same letters ('Ayse Yilmaz' ~ 'Ayşe Yılmaz')."""
    a, b = normalise_name(typed), normalise_name(display_name)
    return sorted(a.split()) == sorted(b.split()) or SequenceMatcher(None, a, b).ratio() >= SIMILAR


async def candidates(
    session: AsyncSession, actor: Actor | str | None, *, centre_id: str, name: str, secret: bytes
) -> MergeCandidates:
    """Walk-ins typed with `name` at the centre that are not merged yet, and the registered
    people seen at the centre whose name is similar."""
    label_for(actor, "attendance.merge", centre_id)
    if not normalise_name(name) or len(name) > 200:
        raise Refusal("text")
    found = await store.same_name(session, centre_id, walkin_key(secret, centre_id, name))
    people = [p for p in await store.registered_at_centre(session, centre_id) if similar(name, p.display_name)]
    return MergeCandidates(tuple(w for w in found if w.person_id is None), tuple(people))


async def merge_walkin(
    session: AsyncSession, actor: Actor | str | None, *, walkin_id: int, person_id: int, secret: bytes, now: datetime
) -> Merged:
    """Count the walk-in as the registered person from now on, for every event it attended."""
    walkin = await store.for_update(session, walkin_id)
    if walkin is None:
        raise Refusal("unknown_walkin")
    label = label_for(actor, "attendance.merge", walkin.centre_id)
    if walkin.person_id is not None:
        raise Refusal("already_merged")
    person = await session.get(Person, person_id)
    if person is None:
        raise Refusal("unknown_person")
    key = person_key(secret, person.telegram_user_id)
    theirs = await store.events_attended_with(session, key)
    rows = await store.attendance_of(session, walkin_id)
    folded = [row for row in rows if row.event_id in theirs]
    moved = [row for row in rows if row.event_id not in theirs]
    for row in folded:
        await session.delete(row)
    for row in moved:
        row.beneficiary_key, row.person_id = key, person.id
    walkin.person_id, walkin.merged_at = person.id, now
    await session.flush()
    await audit.append(
        session, at=now, actor=label, action="attendance.merge", object_type="walkin", object_id=str(walkin_id),
        before={"person_id": None, "attendance_ids": [row.id for row in rows]},
        after={
            "person_id": person.id,
            "moved": [row.id for row in moved],
            "folded": [
                {"event_id": r.event_id, "recorded_at": r.recorded_at.isoformat(), "recorded_by": r.recorded_by} for r in folded
            ],
        },
    )
    return Merged(walkin_id, person.id, len(moved), len(folded))


async def unmerge_walkin(session: AsyncSession, actor: Actor | str | None, *, walkin_id: int, now: datetime) -> int:
    """Undo a merge: the walk-in's rows carry its own key again and the folded ones come back.
    Returns the walk-in's attendance rows afterwards."""
    walkin = await store.for_update(session, walkin_id)
    if walkin is None:
        raise Refusal("unknown_walkin")
    label = label_for(actor, "attendance.merge", walkin.centre_id)
    if walkin.person_id is None:
        raise Refusal("not_merged")
    person_id = walkin.person_id
    rows = list(await store.attendance_of(session, walkin_id))
    for row in rows:
        row.beneficiary_key, row.person_id = walkin.beneficiary_key, None
    merge = await store.last_merge(session, walkin_id)
    restored = []
    for folded in (merge.after or {}).get("folded", []) if merge is not None else []:
        if await session.get(Event, folded["event_id"]) is None:
            continue  # the event itself was deleted since
        if await event_store.attendance_row(session, folded["event_id"], walkin.beneficiary_key) is not None:
            continue
        row = Attendance(
            event_id=folded["event_id"], beneficiary_key=walkin.beneficiary_key, kind="walkin",
            recorded_by=folded["recorded_by"], recorded_at=datetime.fromisoformat(folded["recorded_at"]), walkin_id=walkin_id,
        )
        session.add(row)
        restored.append(row)
    walkin.person_id, walkin.merged_at = None, None
    await session.flush()
    await audit.append(
        session, at=now, actor=label, action="attendance.unmerge", object_type="walkin", object_id=str(walkin_id),
        before={"person_id": person_id}, after={"person_id": None, "restored": [row.id for row in restored]},
    )
    return len(rows) + len(restored)
