"""Attendance: ticked from the registration list, walk-ins, a headcount, or a self check-in
by QR code around the event's time. The check-in code changes every 30 seconds and staff show
it from their phone, so a photo of it sent away is soon worth nothing: it proves presence. Any of these makes the event `held`; taking the last
attendance back, with no headcount, makes it `published` again, so it no longer counts. A code
passed on at once still works, so self check-ins that look made from elsewhere are flagged for
staff to review (`reports.checkin_flags`); staff take back those of people who were not there.

Each attendee is stored as a keyed beneficiary pseudonym, so 4.2.8 can count distinct people
across events without a name in the attendance table. A headcount adds no beneficiaries.

A walk-in is an identity of its own at the centre (storage `walkins`), not a name: when the
typed name matches walk-ins already there, staff say which of them came, or that this is a new
person, and nothing is recorded until they do. Two people with one name stay two.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import invitations
from services.events import snapshot
from services.notices import SurveyInvitation
from services.refusal import Refusal
from services.roles import Actor, require
from storage.models import Attendance, Event, Person, Walkin
from storage.pseudonyms import beneficiary_key
from storage.repositories import audit
from storage.repositories import events as event_store
from storage.repositories import walkins as walkin_store
from storage.repositories.erasure import random_key
from storage.repositories.walkins import WalkinSummary

# Staff may take attendance from two hours before the start.
WINDOW = timedelta(hours=2)
# Self check-in: from shortly before the start until an hour after the end, or three hours
# after the start when no end is known.
CHECKIN_OPENS = timedelta(hours=1)
CHECKIN_AFTER_END = timedelta(hours=1)
CHECKIN_WITHOUT_END = timedelta(hours=3)
# A code lasts its own 30-second step and the next one.
STEP_SECONDS = 30
MAX_HEADCOUNT = 100_000
CHECKIN_PREFIX = "chk_"
_CHECKIN = re.compile(r"chk_(\d{1,12})_(\d{1,12})_([0-9a-f]{16})")


@dataclass(frozen=True)
class Marked:
    """Whether the person is now recorded as present, and the survey invitation it made owed."""

    present: bool
    invitation: SurveyInvitation | None = None


def person_key(secret: bytes, telegram_user_id: int) -> str:
    return beneficiary_key(secret, "person", str(telegram_user_id))


def normalise_name(name: str) -> str:
    """Case, accents and spacing do not make a second person ('Ayşe  YILMAZ' = 'ayse yilmaz')."""
    folded = unicodedata.normalize("NFKD", name.replace("ı", "i").replace("İ", "i")).casefold()
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def walkin_key(secret: bytes, centre_id: str, name: str) -> str:
    """The name key of a walk-in: finds the walk-ins typed with this name at the centre (and,
    for walk-ins recorded before they had identities, their beneficiary key too)."""
    return beneficiary_key(secret, f"walkin:{centre_id}", normalise_name(name))


# The choice that says the typed name is a person not yet recorded at the centre.
NEW_PERSON = 0


@dataclass(frozen=True)
class WalkIn:
    """`present`: newly recorded. When `choices` is not empty nothing was recorded: walk-ins
    with this name are already known at the centre and staff must say which one came, or that
    this is a new person; `name_key` is what the choice is made for (the name is not kept)."""

    present: bool
    name_key: str
    choices: tuple[WalkinSummary, ...] = ()


@dataclass(frozen=True)
class CheckinCode:
    """A genuine check-in code: the event and the 30-second step it was shown in."""

    event_id: int
    step: int


def checkin_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def checkin_token(secret: bytes, event_id: int, step: int) -> str:
    return hmac.new(secret, f"checkin\x1f{event_id}\x1f{step}".encode(), hashlib.sha256).hexdigest()[:16]


def checkin_payload(secret: bytes, event_id: int, now: datetime) -> str:
    """The deep-link payload staff show at `now`; it is accepted for a minute at most."""
    step = checkin_step(now)
    return f"{CHECKIN_PREFIX}{event_id}_{step}_{checkin_token(secret, event_id, step)}"


def parse_checkin(secret: bytes, payload: str) -> CheckinCode | None:
    """The code in a genuine check-in payload, whenever it was shown, or None for anything forged."""
    match = _CHECKIN.fullmatch(payload)
    if match is None:
        return None
    event_id, step = int(match.group(1)), int(match.group(2))
    genuine = hmac.compare_digest(match.group(3), checkin_token(secret, event_id, step))
    return CheckinCode(event_id, step) if genuine else None


def is_current(code: CheckinCode, now: datetime, late: timedelta = timedelta(0)) -> bool:
    """Shown in this step or the one before; `late` is the time the person was held up by the
    bot itself (reading the notice before consenting) after scanning a current code."""
    return checkin_step(now - late) - 1 <= code.step <= checkin_step(now)


def in_window(event: Event, now: datetime) -> bool:
    """Whether self check-in is open for the event at `now`."""
    closes = event.ends_at + CHECKIN_AFTER_END if event.ends_at else event.starts_at + CHECKIN_WITHOUT_END
    return event.starts_at - CHECKIN_OPENS <= now <= closes


async def _open_event(session: AsyncSession, event_id: int, now: datetime) -> Event:
    event = await event_store.event_for_update(session, event_id)
    if event is None:
        raise Refusal("unknown")
    if event.status not in ("published", "held"):
        raise Refusal("state")
    if now < event.starts_at - WINDOW:
        raise Refusal("too_early")
    return event


def _mark_held(event: Event, now: datetime) -> None:
    if event.status != "held":
        event.status = "held"
        event.held_at = now


async def _remove(session: AsyncSession, event: Event, row: Attendance, *, actor: str, now: datetime) -> None:
    """Take one attendance back; an event left with no attendance and no headcount was not
    shown to be held, so it goes back to `published` and stops counting."""
    status = event.status
    await session.delete(row)
    await session.flush()
    if status == "held" and event.headcount is None and await event_store.attendance_count(session, event.id) == 0:
        event.status, event.held_at = "published", None
    await audit.append(
        session, at=now, actor=actor, action="attendance.remove", object_type="event", object_id=str(event.id),
        before={"attendance_id": row.id, "kind": row.kind, "status": status}, after={"status": event.status},
    )


async def _add(
    session: AsyncSession, event: Event, *, key: str, kind: str, person: Person | None, recorded_by: int | None,
    actor: str, now: datetime, invite: invitations.InviteContext | None, walkin_id: int | None = None,
) -> Marked:
    if await event_store.attendance_row(session, event.id, key) is not None:
        return Marked(False)
    before = snapshot(event)
    row = Attendance(
        event_id=event.id, beneficiary_key=key, person_id=person.id if person else None, kind=kind,
        recorded_by=recorded_by, recorded_at=now, walkin_id=walkin_id,
    )
    session.add(row)
    _mark_held(event, now)
    await session.flush()
    await audit.append(
        session, at=now, actor=actor, action="attendance.record", object_type="event", object_id=str(event.id),
        before={"status": before["status"]}, after={"attendance_id": row.id, "kind": kind, "walkin_id": walkin_id, "status": event.status},
    )
    if person is not None and invite is not None:
        return Marked(True, await invitations.owed(session, invite, event=event, person=person))
    return Marked(True)


async def tick(
    session: AsyncSession, actor: Actor | None, *, event_id: int, person_id: int, secret: bytes, now: datetime,
    invite: invitations.InviteContext | None = None, present: bool | None = None,
) -> Marked:
    """Staff tick a registered person as present; toggles off when ticked before. `present`
    asks for one state instead (a web form sent twice must not undo itself): when the person is
    already so, nothing changes. Read under the event's lock, so two staff cannot race it."""
    event = await _open_event(session, event_id, now)
    actor = require(actor, "attendance.record", event.centre_id)
    registration = await event_store.registration(session, event_id, person_id)
    person = await session.get(Person, person_id)
    if registration is None or registration.status == "cancelled" or person is None:
        raise Refusal("not_registered")
    key = person_key(secret, person.telegram_user_id)
    existing = await event_store.attendance_row(session, event_id, key)
    if present is not None and present == (existing is not None):
        return Marked(present)
    if existing is not None:
        await _remove(session, event, existing, actor=actor.label, now=now)
        return Marked(False)
    return await _add(
        session, event, key=key, kind="registered", person=person, recorded_by=actor.staff_id, actor=actor.label,
        now=now, invite=invite,
    )


async def take_back(
    session: AsyncSession, actor: Actor | None, *, event_id: int, attendance_id: int, now: datetime
) -> bool:
    """Staff take back a self check-in of someone who was not in the room (one flagged for
    review, say); False when the event has no such check-in, or it was taken back already."""
    event = await _open_event(session, event_id, now)
    actor = require(actor, "attendance.record", event.centre_id)
    row = await session.get(Attendance, attendance_id)
    if row is None or row.event_id != event.id or row.kind != "self":
        return False
    await _remove(session, event, row, actor=actor.label, now=now)
    return True


async def walk_in(
    session: AsyncSession, actor: Actor | None, *, event_id: int, name: str, secret: bytes, now: datetime,
    choice: int | None = None,
) -> WalkIn:
    """A person who came without registering; the name is hashed, never stored. `choice`: None
    asks when the name is known at the centre, NEW_PERSON, or the id of the walk-in who came."""
    event = await _open_event(session, event_id, now)
    require(actor, "attendance.record", event.centre_id)
    if not normalise_name(name) or len(name) > 200:
        raise Refusal("text")
    return await record_walkin(
        session, actor, event_id=event_id, name_key=walkin_key(secret, event.centre_id, name), secret=secret, now=now,
        choice=choice,
    )


async def record_walkin(
    session: AsyncSession, actor: Actor | None, *, event_id: int, name_key: str, secret: bytes, now: datetime,
    choice: int | None = None,
) -> WalkIn:
    """Record the walk-in staff chose for a typed name (its `name_key`): see `walk_in`."""
    event = await _open_event(session, event_id, now)
    actor = require(actor, "attendance.record", event.centre_id)
    known = await walkin_store.same_name(session, event.centre_id, name_key)
    if choice is None and known:
        return WalkIn(False, name_key, tuple(known))
    if choice is None or choice == NEW_PERSON:
        walkin = await walkin_store.create(
            session, centre_id=event.centre_id, name_key=name_key, beneficiary_key=random_key(), now=now
        )
    elif choice in {k.walkin_id for k in known}:
        walkin = await session.get_one(Walkin, choice)
    else:
        raise Refusal("walkin_choice")
    key, person = walkin.beneficiary_key, None
    if walkin.person_id is not None:  # merged with a registered person: counted as them
        person = await session.get_one(Person, walkin.person_id)
        key = person_key(secret, person.telegram_user_id)
    marked = await _add(
        session, event, key=key, kind="walkin", person=person, recorded_by=actor.staff_id, actor=actor.label,
        now=now, invite=None, walkin_id=walkin.id,
    )
    return WalkIn(marked.present, name_key)


async def set_headcount(session: AsyncSession, actor: Actor | None, *, event_id: int, count: int, now: datetime) -> Event:
    """How many came, when names were not taken; it adds no beneficiaries to 4.2.8."""
    event = await _open_event(session, event_id, now)
    actor = require(actor, "attendance.record", event.centre_id)
    if not 0 < count <= MAX_HEADCOUNT:
        raise Refusal("headcount")
    before = snapshot(event)
    event.headcount = count
    _mark_held(event, now)
    await audit.append(
        session, at=now, actor=actor.label, action="attendance.headcount", object_type="event", object_id=str(event_id),
        before=before, after=snapshot(event),
    )
    return event


async def check_in(
    session: AsyncSession, *, code: CheckinCode, person: Person, secret: bytes, now: datetime,
    late: timedelta = timedelta(0), invite: invitations.InviteContext | None = None,
) -> Marked:
    """A citizen scanned the QR code staff show at the event; present is True when newly
    recorded. An old code, or one scanned outside the event's time, is refused."""
    event = await event_store.event_for_update(session, code.event_id)
    if event is None or event.status not in ("published", "held"):
        raise Refusal("unknown")
    if not in_window(event, now):
        raise Refusal("checkin_window")
    if not is_current(code, now, late):
        raise Refusal("checkin_expired")
    return await _add(
        session, event, key=person_key(secret, person.telegram_user_id), kind="self", person=person,
        recorded_by=None, actor=f"person:{person.id}", now=now, invite=invite,
    )
