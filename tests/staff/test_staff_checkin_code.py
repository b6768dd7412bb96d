"""Self check-in proves presence: the code staff show changes every 30 seconds, is accepted
only in its own step and the next, and only around the event's time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from tests_staff_support import NOW, SECRET, make_person

from services import attendance, events
from services.refusal import Refusal
from storage.models import Attendance

START = NOW + timedelta(hours=3)


async def _event(db, crew) -> int:
    async with db.sessions.begin() as session:
        event = await events.create(
            session, crew.admin,
            events.Draft(type="women", centre_id="konak-kadin", title="Atölye", starts_at=START,
                         place="Salon", capacity=None, audience="women", language="tr"),
            publish=True, now=NOW,
        )
        return event.id


def _code(event_id: int, shown_at, secret: bytes = SECRET) -> attendance.CheckinCode:
    code = attendance.parse_checkin(SECRET, attendance.checkin_payload(secret, event_id, shown_at))
    assert code is not None
    return code


async def _refusal(db, *, code: attendance.CheckinCode, user_id: int, now, late=timedelta(0)) -> str:
    async with db.sessions.begin() as session:
        person = await make_person(session, user_id)
        with pytest.raises(Refusal) as refused:
            await attendance.check_in(session, code=code, person=person, secret=SECRET, now=now, late=late)
    return refused.value.reason


async def test_only_a_current_code_scanned_around_the_event_checks_in(db, crew) -> None:
    event_id = await _event(db, crew)
    payload = attendance.checkin_payload(SECRET, event_id, START)
    assert attendance.parse_checkin(SECRET, payload[:-1] + ("0" if payload[-1] != "0" else "1")) is None
    assert attendance.parse_checkin(b"another-secret-0123456789", payload) is None
    assert attendance.parse_checkin(SECRET, attendance.checkin_payload(SECRET, event_id, NOW)) is not None  # genuine, if old

    # The legitimate one: the code shown now, scanned now, ten minutes into the event.
    at = START + timedelta(minutes=10)
    async with db.sessions.begin() as session:
        present = await make_person(session, 27000)
        assert (await attendance.check_in(session, code=_code(event_id, at), person=present, secret=SECRET, now=at)).present
        # The code of the step before is still accepted, scanned just as it changed.
        again = await attendance.check_in(session, code=_code(event_id, at - timedelta(seconds=30)), person=present,
                                          secret=SECRET, now=at)
        assert not again.present

    # Outside the window: a current code, but two hours before the start, or four hours after it.
    early, late = START - timedelta(hours=2), START + timedelta(hours=4)
    assert await _refusal(db, code=_code(event_id, early), user_id=27001, now=early) == "checkin_window"
    assert await _refusal(db, code=_code(event_id, late), user_id=27002, now=late) == "checkin_window"
    # Expired: shown two steps ago.
    assert await _refusal(db, code=_code(event_id, at - timedelta(seconds=60)), user_id=27003, now=at) == "checkin_expired"
    # Replayed: the code that checked someone in, sent on and scanned from home ten minutes later.
    assert await _refusal(db, code=_code(event_id, at), user_id=27004, now=at + timedelta(minutes=10)) == "checkin_expired"
    # Nor is a code of a later step (one could only be made with the secret) taken early.
    assert await _refusal(db, code=_code(event_id, at + timedelta(minutes=1)), user_id=27005, now=at) == "checkin_expired"

    async with db.sessions() as session:
        kinds = (await session.execute(select(Attendance.kind).where(Attendance.event_id == event_id))).scalars().all()
    assert kinds == ["self"]


async def test_the_notice_before_consent_gives_a_scanned_code_some_minutes_more(db, crew) -> None:
    event_id = await _event(db, crew)
    scanned = START + timedelta(minutes=5)
    consented = scanned + timedelta(minutes=4)
    async with db.sessions.begin() as session:
        person = await make_person(session, 27100)
        marked = await attendance.check_in(session, code=_code(event_id, scanned), person=person, secret=SECRET,
                                           now=consented, late=timedelta(minutes=10))
        assert marked.present
    assert await _refusal(db, code=_code(event_id, scanned), user_id=27101, now=consented) == "checkin_expired"
