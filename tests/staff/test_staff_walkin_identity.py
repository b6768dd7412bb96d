"""One identity per person at a centre (4.2.8): a walk-in is its own person, not a name; staff
say whether a known name is the same walk-in or someone new; a walk-in merged with the
registered person it turned out to be counts once; erasing that person keeps the figure and
leaves nothing that leads back to them. 4.2.8 is recomputed from the raw rows with SQL of its
own (identities after links) and compared with the report and its drill-down."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from tests_staff_support import NOW, SECRET, make_person

from bot.chat.conversation.erasure import erase_person
from reports.aggregate import actual_of, observe_year
from reports.drilldown import drill
from reports.plan import load_plan
from services import attendance, events, registrations, walkins
from services.refusal import Refusal
from services.roles import Refused
from storage.models import Attendance, AuditEntry, Walkin
from storage.repositories import walkins as walkin_store

ZONE = ZoneInfo("Europe/Istanbul")
CENTRE = "bornova-engelli"
YEAR = NOW.year

# Distinct people served: a row counts as its registered person (on the row, or through the
# walk-in it was recorded for once merged), else as its walk-in, else by its key alone.
IDENTITIES = text(
    "SELECT COUNT(DISTINCT CASE "
    "  WHEN COALESCE(a.person_id, w.person_id) IS NOT NULL THEN 'p' || CAST(COALESCE(a.person_id, w.person_id) AS VARCHAR(20)) "
    "  WHEN a.walkin_id IS NOT NULL THEN 'w' || CAST(a.walkin_id AS VARCHAR(20)) "
    "  ELSE 'k' || a.beneficiary_key END) "
    "FROM attendance a JOIN events e ON e.id = a.event_id LEFT JOIN walkins w ON w.id = a.walkin_id "
    "WHERE e.status = 'held' AND e.type = 'disability_activity' AND a.beneficiary_key IS NOT NULL"
)


async def _event(db, crew, title: str, hours: float, centre: str = CENTRE) -> int:
    async with db.sessions.begin() as session:
        event = await events.create(
            session, crew.admin,
            events.Draft(type="disability_activity", centre_id=centre, title=title, starts_at=NOW + timedelta(hours=hours),
                         place="Salon", capacity=20, audience="everyone", language="tr"),
            publish=True, now=NOW,
        )
        return event.id


async def _served(db) -> tuple[int, float | None, int, int]:
    """(independent SQL, report actual, drill-down rows, sum of their contributions)."""
    async with db.sessions() as session:
        independent = (await session.execute(IDENTITIES)).scalar_one()
        actual = actual_of((await observe_year(session, YEAR)).get("4.2.8"))
        rows = await drill(session, load_plan().indicator("4.2.8"), date(YEAR, 1, 1), date(YEAR, 12, 31))
    return int(independent), actual, len(rows), sum(row.contribution for row in rows)


async def _walk_in(db, crew, event_id: int, name: str, choice: int | None = None) -> attendance.WalkIn:
    async with db.sessions.begin() as session:
        return await attendance.walk_in(session, crew.konak, event_id=event_id, name=name, secret=SECRET, now=NOW, choice=choice)


async def _tick(db, crew, event_id: int, person_id: int) -> None:
    async with db.sessions.begin() as session:
        assert (await attendance.tick(session, crew.konak, event_id=event_id, person_id=person_id, secret=SECRET, now=NOW)).present


async def _registered_ayse(db) -> int:
    async with db.sessions.begin() as session:
        person = await make_person(session, 31000)
        person.display_name = "Ayşe Yılmaz"
        return person.id


async def _walked_in_then_registered(db, crew) -> tuple[int, int, dict[str, int]]:
    """Ayşe came twice as a walk-in (the workshop and the music), then registered on Telegram and
    was ticked at the workshop and the sport: one person, recorded both ways."""
    ids = {
        "workshop": await _event(db, crew, "Atölye", 0.5),
        "sport": await _event(db, crew, "Spor", 1),
        "music": await _event(db, crew, "Müzik", 1.5),
    }
    person_id = await _registered_ayse(db)
    for event_id in (ids["workshop"], ids["sport"]):  # her places, taken before the day
        async with db.sessions.begin() as session:
            await registrations.register(session, event_id=event_id, person_id=person_id, now=NOW)
    first = await _walk_in(db, crew, ids["workshop"], "Ayşe Yılmaz")
    assert first.present and not first.choices
    asked = await _walk_in(db, crew, ids["music"], "AYSE  yilmaz")
    assert not asked.present and len(asked.choices) == 1
    walkin_id = asked.choices[0].walkin_id
    assert (await _walk_in(db, crew, ids["music"], "AYSE  yilmaz", choice=walkin_id)).present
    await _tick(db, crew, ids["workshop"], person_id)
    await _tick(db, crew, ids["sport"], person_id)
    return walkin_id, person_id, ids


async def test_one_person_recorded_both_ways_counts_once_after_the_merge_and_twice_after_undo(db, crew) -> None:
    walkin_id, person_id, ids = await _walked_in_then_registered(db, crew)
    assert await _served(db) == (2, 2, 2, 2)
    async with db.sessions.begin() as session:
        found = await walkins.candidates(session, crew.konak, centre_id=CENTRE, name="ayse yilmaz", secret=SECRET)
        assert [w.walkin_id for w in found.walkins] == [walkin_id] and found.walkins[0].attended == 2
        assert found.walkins[0].last_title == "Müzik"
        assert [(p.person_id, p.display_name) for p in found.people] == [(person_id, "Ayşe Yılmaz")]
        merged = await walkins.merge_walkin(session, crew.konak, walkin_id=walkin_id, person_id=person_id, secret=SECRET, now=NOW)
    # The music is moved to Ayşe; the workshop, where she was recorded both ways, is one visit.
    assert (merged.moved, merged.folded) == (1, 1)
    assert await _served(db) == (1, 1, 1, 1)
    async with db.sessions() as session:
        at_workshop = await session.scalar(select(func.count()).where(Attendance.event_id == ids["workshop"]))
        entry = (await session.execute(select(AuditEntry).where(AuditEntry.action == "attendance.merge"))).scalar_one()
    assert at_workshop == 1
    assert entry.object_id == str(walkin_id) and entry.before is not None and entry.after is not None
    assert entry.before["person_id"] is None and entry.after["person_id"] == person_id
    assert entry.after["folded"][0]["event_id"] == ids["workshop"] and entry.actor == crew.konak.label
    async with db.sessions.begin() as session:
        with pytest.raises(Refusal):
            await walkins.merge_walkin(session, crew.konak, walkin_id=walkin_id, person_id=person_id, secret=SECRET, now=NOW)
    # A walk-in recorded as the merged one from now on counts as Ayşe too.
    evening = await _event(db, crew, "Akşam", 1.8)
    asked = await _walk_in(db, crew, evening, "Ayşe Yılmaz")
    assert [c.person_id for c in asked.choices] == [person_id]
    assert (await _walk_in(db, crew, evening, "Ayşe Yılmaz", choice=walkin_id)).present
    assert await _served(db) == (1, 1, 1, 1)
    async with db.sessions.begin() as session:
        rows = await walkins.unmerge_walkin(session, crew.manager, walkin_id=walkin_id, now=NOW)
    assert rows == 3  # the music, the evening and the workshop again
    assert await _served(db) == (2, 2, 2, 2)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).where(Attendance.event_id == ids["workshop"])) == 2
        assert (await session.get_one(Walkin, walkin_id)).person_id is None


async def test_two_people_with_one_name_at_a_centre_count_twice(db, crew) -> None:
    morning = await _event(db, crew, "Sabah grubu", 0.5)
    afternoon = await _event(db, crew, "Öğleden sonra", 1)
    elsewhere = await _event(db, crew, "Buca atölye", 1, centre="buca-engelli")
    assert (await _walk_in(db, crew, morning, "Mehmet Demir")).present
    asked = await _walk_in(db, crew, afternoon, "mehmet  DEMİR")
    assert not asked.present and len(asked.choices) == 1
    choice = asked.choices[0]
    # What staff tell them apart by: when and where the known one last came, and how often.
    assert (choice.last_title, choice.attended) == ("Sabah grubu", 1)
    assert choice.last_at is not None and choice.last_at == NOW + timedelta(hours=0.5)
    assert await _served(db) == (1, 1, 1, 1)  # nothing recorded until staff say who it is
    assert (await _walk_in(db, crew, afternoon, "Mehmet Demir", choice=attendance.NEW_PERSON)).present
    assert await _served(db) == (2, 2, 2, 2)
    # The two are now both offered; a made-up choice is refused and records nothing.
    asked = await _walk_in(db, crew, afternoon, "Mehmet Demir")
    assert len(asked.choices) == 2
    with pytest.raises(Refusal):
        await _walk_in(db, crew, afternoon, "Mehmet Demir", choice=max(c.walkin_id for c in asked.choices) + 100)
    assert not (await _walk_in(db, crew, afternoon, "Mehmet Demir", choice=asked.choices[1].walkin_id)).present
    # A name is known per centre: at another centre it is simply someone new.
    async with db.sessions.begin() as session:
        other = await attendance.walk_in(session, crew.manager, event_id=elsewhere, name="Mehmet Demir", secret=SECRET, now=NOW)
    assert other.present and not other.choices
    assert await _served(db) == (3, 3, 3, 3)


async def test_erasing_a_merged_person_keeps_the_count_and_leads_nowhere(db, crew) -> None:
    walkin_id, person_id, _ = await _walked_in_then_registered(db, crew)
    async with db.sessions.begin() as session:
        former_key = (await session.get_one(Walkin, walkin_id)).beneficiary_key
        await walkins.merge_walkin(session, crew.manager, walkin_id=walkin_id, person_id=person_id, secret=SECRET, now=NOW)
    assert await _served(db) == (1, 1, 1, 1)
    async with db.sessions.begin() as session:
        await erase_person(
            session, key="key31000", telegram_user_id=31000, secret=SECRET, respondent_keys=[], zone=ZONE, now=NOW
        )
    assert await _served(db) == (1, 1, 1, 1)
    async with db.sessions() as session:
        rows = (await session.execute(select(Attendance))).scalars().all()
        left = (await session.execute(select(Walkin))).scalars().all()
        name_key = attendance.walkin_key(SECRET, CENTRE, "Ayşe Yılmaz")
        same_name = await walkin_store.same_name(session, CENTRE, name_key)
    assert len(rows) == 3 and len({row.beneficiary_key for row in rows}) == 1
    assert all(row.person_id is None and row.walkin_id is None for row in rows)
    recomputable = {attendance.person_key(SECRET, 31000), name_key, former_key}
    assert not {row.beneficiary_key for row in rows} & recomputable
    assert left == [] and same_name == []
    # Her name typed again is someone new, not a way back to her attendance.
    later = await _event(db, crew, "Sonraki", 1.9)
    again = await _walk_in(db, crew, later, "Ayşe Yılmaz")
    assert again.present and not again.choices
    assert await _served(db) == (2, 2, 2, 2)


async def test_only_staff_of_the_centre_and_managers_merge(db, crew) -> None:
    walkin_id, person_id, _ = await _walked_in_then_registered(db, crew)
    async with db.sessions.begin() as session:
        with pytest.raises(Refused):
            await walkins.merge_walkin(session, crew.elsewhere, walkin_id=walkin_id, person_id=person_id, secret=SECRET, now=NOW)
        with pytest.raises(Refused):
            await walkins.candidates(session, crew.elsewhere, centre_id=CENTRE, name="Ayşe Yılmaz", secret=SECRET)
        with pytest.raises(Refused):
            await walkins.merge_walkin(session, None, walkin_id=walkin_id, person_id=person_id, secret=SECRET, now=NOW)
    assert await _served(db) == (2, 2, 2, 2)

