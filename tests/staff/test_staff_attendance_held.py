"""An event counts as held only while something shows it was: attendance or a headcount.
Taking the last attendance back makes it published again (audited, the indicator falls
back), and a held event with neither is flagged in the weekly report, whatever its type."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from tests_staff_support import NOW, SECRET, make_person

from reports.aggregate import actual_of, observe_year
from reports.weekly import build_weekly_report, write_report_files
from services import attendance, events, registrations
from storage.models import AuditEntry, Event

WEEK = (date(2026, 11, 23), date(2026, 11, 29))  # NOW's week, Monday to Sunday


async def _women_event(db, crew, hours: float = 1) -> int:
    async with db.sessions.begin() as session:
        event = await events.create(
            session, crew.admin,
            events.Draft(type="women", centre_id="konak-kadin", title="Atölye", starts_at=NOW + timedelta(hours=hours),
                         place="Salon", capacity=None, audience="women", language="tr"),
            publish=True, now=NOW,
        )
        return event.id


async def _women_events_counted(db) -> float | None:
    async with db.sessions() as session:
        return actual_of((await observe_year(session, 2026)).get("4.2.7"))


async def test_unticking_the_last_person_without_a_headcount_makes_the_event_published_again(db, crew) -> None:
    event_id = await _women_event(db, crew)
    async with db.sessions.begin() as session:
        person = await make_person(session, 26000)
        await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        assert (await attendance.tick(session, crew.konak, event_id=event_id, person_id=person.id, secret=SECRET, now=NOW)).present
    assert await _women_events_counted(db) == 1

    async with db.sessions.begin() as session:
        ticked_again = await attendance.tick(session, crew.konak, event_id=event_id, person_id=person.id, secret=SECRET, now=NOW)
        assert not ticked_again.present
    async with db.sessions() as session:
        event = await session.get(Event, event_id)
        assert event is not None and (event.status, event.held_at) == ("published", None)
        removed = (await session.execute(select(AuditEntry).where(AuditEntry.action == "attendance.remove"))).scalar_one()
    assert removed.before is not None and removed.before["status"] == "held"
    assert removed.after == {"status": "published"}
    assert await _women_events_counted(db) == 0

    # With a headcount, the event was held whoever is unticked.
    counted = await _women_event(db, crew, hours=2)
    async with db.sessions.begin() as session:
        await registrations.register(session, event_id=counted, person_id=person.id, now=NOW)
        await attendance.tick(session, crew.konak, event_id=counted, person_id=person.id, secret=SECRET, now=NOW)
        await attendance.set_headcount(session, crew.konak, event_id=counted, count=12, now=NOW)
        await attendance.tick(session, crew.konak, event_id=counted, person_id=person.id, secret=SECRET, now=NOW)
        event = await session.get(Event, counted)
        assert event is not None and event.status == "held"
    assert await _women_events_counted(db) == 1


async def test_a_held_womens_event_without_attendance_or_headcount_is_flagged(db, crew, tmp_path) -> None:
    # Held with nothing to show for it, as events ticked and unticked before this rule were;
    # a second held event with a headcount is no cause for a warning.
    bare, counted = await _women_event(db, crew), await _women_event(db, crew, hours=2)
    async with db.sessions.begin() as session:
        await attendance.set_headcount(session, crew.konak, event_id=counted, count=9, now=NOW)
        event = await session.get(Event, bare)
        assert event is not None
        event.status, event.held_at = "held", NOW
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=WEEK[0], period_to=WEEK[1], year=2026, now=NOW)
    text = write_report_files(report, tmp_path)["text"].read_text(encoding="utf-8")
    assert "Konak Kadın Danışma ve Eğitim Merkezi: 1 etkinlikte yoklama girilmemiş" in text
