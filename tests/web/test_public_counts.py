"""Counts of people by centre and by month on the public pages: none under 5 can be read off
the page, not even by subtracting the centres shown from the total."""

from __future__ import annotations

from datetime import datetime, timezone

from page_reader import read_page
from test_public_snapshots import Now, pages, rows

from reports.periods import ISTANBUL
from storage.centres import load_centres
from storage.models import Attendance, Event, StaffMember
from storage.repositories import centres
from tests.reports.reports_db_sample import YEAR, local, seed
from web.cache import FigureCache
from web.source import from_database

CENTRE_NAMES = {"bornova-engelli": "Bornova Engelli Hizmet Merkezi", "buca-engelli": "Buca Engelli Hizmet Merkezi",
                "karsiyaka-engelli": "Karşıyaka Engelli Hizmet Merkezi"}


async def test_a_centre_hidden_alone_takes_the_next_smallest_with_it(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        staff = StaffMember(display_name="Ayşe Yılmaz", role="staff", language="tr",
                            created_at=datetime(YEAR, 1, 1, tzinfo=timezone.utc))
        session.add(staff)
        await session.flush()
        for centre, people in (("bornova-engelli", 5), ("buca-engelli", 6), ("karsiyaka-engelli", 2)):
            event = Event(centre_id=centre, type="disability_activity", title="Etkinlik", starts_at=local(YEAR, 3, 2),
                          status="held", created_by=staff.id, created_at=local(YEAR, 3, 1))
            session.add(event)
            await session.flush()
            for number in range(people):
                session.add(Attendance(event_id=event.id, beneficiary_key=f"{centre}-{number}", kind="beneficiary",
                                       recorded_by=staff.id, recorded_at=event.starts_at))
    async with pages(FigureCache(from_database(db.sessions, ISTANBUL))) as client:
        response = await client.get("/en/gosterge/4.2.8")
    assert read_page(response.text).cards["4.2.8"]["actual"] == 13
    shown = {key: value for key, value in rows(response.text).items() if key in CENTRE_NAMES.values()}
    # 13 - 6 would give Karşıyaka's 2 back if Bornova's 5 were shown.
    assert shown == {CENTRE_NAMES["buca-engelli"]: "6", CENTRE_NAMES["bornova-engelli"]: "hidden",
                     CENTRE_NAMES["karsiyaka-engelli"]: "hidden"}
    for name in CENTRE_NAMES.values():
        assert name in response.text


async def test_the_trend_shows_no_number_of_people_under_5(db) -> None:
    async with db.sessions.begin() as session:
        await seed(session)
    async with pages(FigureCache(from_database(db.sessions, ISTANBUL, clock=Now(local(YEAR, 12, 20))))) as client:
        response = await client.get("/en/gosterge/4.2.11")
    table = rows(response.text)
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    assert [table[month] for month in months] == ["0"] * 4 + ["—"] * 8  # 1 from May, 2 from November: hidden
    assert read_page(response.text).cards["4.2.11"]["actual"] == 2  # the year's figure stays the plan's
