"""Self check-ins flagged for review, through the real services and database: a burst of
brand-new accounts and one person at two centres' events at once are flagged, a registered
regular is not; the weekly report counts the flagged ones and says so, and staff taking one
back is what changes the figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from tests_staff_support import NOW, SECRET

from reports import checkin_review
from reports.checkin_flags import BURST, ELSEWHERE, NEW_ACCOUNT
from reports.weekly import build_weekly_report, write_report_files
from services import attendance, events, registrations, roles
from storage.models import Event, Person

START = NOW + timedelta(hours=3)  # Wednesday 25 November 2026, 12:00 UTC
WEEK = (date(2026, 11, 23), date(2026, 11, 29))


async def _event(session, crew, centre: str, starts_at: datetime, ends_at: datetime | None) -> Event:
    draft = events.Draft(
        type="disability_activity",
        centre_id=centre,
        title=f"Atölye {centre}",
        starts_at=starts_at,
        place="Salon",
        capacity=None,
        audience="disabled",
        language="tr",
    )
    event = await events.create(session, crew.admin, draft, publish=True, now=NOW - timedelta(days=20))
    event.ends_at = ends_at
    return event


async def _person(session, user_id: int, first_seen: datetime) -> Person:
    return await registrations.ensure_person(
        session,
        citizen_key=f"key{user_id}",
        telegram_user_id=user_id,
        display_name=f"Kişi {user_id}",
        language="tr",
        now=first_seen,
    )


async def _check_in(session, event: Event, person: Person, at: datetime) -> bool:
    code = attendance.parse_checkin(SECRET, attendance.checkin_payload(SECRET, event.id, at))
    assert code is not None
    return (await attendance.check_in(session, code=code, person=person, secret=SECRET, now=at)).present


async def _report(db, tmp_path, name: str):
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=WEEK[0], period_to=WEEK[1], year=2026, now=NOW)
    return report, write_report_files(report, tmp_path / name, lang="en")


def _flags(found: list[checkin_review.Flagged]) -> dict[str, tuple[str, ...]]:
    return {f.row.name or "": f.reasons for f in found}


async def test_new_accounts_in_a_burst_and_one_person_at_two_centres_are_flagged_and_still_counted(
    db, crew, tmp_path
) -> None:
    async with db.sessions.begin() as session:
        bornova = await _event(session, crew, "bornova-engelli", START, START + timedelta(hours=2))
        buca = await _event(session, crew, "buca-engelli", START + timedelta(minutes=30), None)
        regular = await _person(session, 31001, NOW - timedelta(days=10))
        await registrations.register(session, event_id=bornova.id, person_id=regular.id, now=NOW - timedelta(days=10))
        traveller = await _person(session, 31002, NOW - timedelta(days=30))

    # The registered regular checks in: recorded, as ever.
    async with db.sessions.begin() as session:
        assert await _check_in(session, bornova, regular, START + timedelta(minutes=1))
    # Three accounts the bot never saw check in within forty seconds, none of them registered.
    burst = START + timedelta(minutes=5)
    for offset, user_id in enumerate((31011, 31012, 31013)):
        at = burst + timedelta(seconds=20 * offset)
        async with db.sessions.begin() as session:
            assert await _check_in(session, bornova, await _person(session, user_id, at), at)
    # An old account checks in at Bornova, then at Buca's event of the same hour.
    async with db.sessions.begin() as session:
        assert await _check_in(session, bornova, traveller, START + timedelta(minutes=20))
        assert await _check_in(session, buca, traveller, START + timedelta(minutes=35))

    async with db.sessions() as session:
        at_bornova = await checkin_review.at_events(session, [bornova.id])
        at_buca = await checkin_review.at_events(session, [buca.id])
    assert _flags(at_bornova) == {
        "Kişi 31011": (NEW_ACCOUNT, BURST),
        "Kişi 31012": (NEW_ACCOUNT, BURST),
        "Kişi 31013": (NEW_ACCOUNT, BURST),
        "Kişi 31002": (ELSEWHERE,),
    }
    assert _flags(at_buca) == {"Kişi 31002": (ELSEWHERE,)}

    # The report counts all five people and says five check-ins are flagged for review.
    report, paths = await _report(db, tmp_path, "before")
    assert next(line for line in report.indicators if line.ytd.code == "4.2.8").ytd.actual == 5
    text = paths["text"].read_text(encoding="utf-8")
    assert "5 check-ins flagged for review; they still count until staff take them back: 4.2.8 (n=5)" in text
    drill = [
        row
        for row in load_workbook(paths["xlsx"])["Drill-down"].iter_rows(min_row=2, values_only=True)
        if row[0] == "4.2.8"
    ]
    assert len(drill) == 5 and sum(row[10] for row in drill) == 5
    reviewed = [row[8] for row in drill if "⚠ to review" in (row[8] or "")]
    assert len(reviewed) == 4
    assert (
        sum("new account: the bot first saw it less than 24 hours before the event" in note for note in reviewed) == 3
    )
    assert sum("also recorded at another centre's event at the same time" in note for note in reviewed) == 1

    # Staff of another centre may not take a Bornova check-in back; Bornova's staff may.
    first_new = next(f.row.attendance_id for f in at_bornova if f.row.name == "Kişi 31011")
    async with db.sessions.begin() as session:
        with pytest.raises(roles.Refused):
            await attendance.take_back(session, crew.elsewhere, event_id=bornova.id, attendance_id=first_new, now=burst)
    async with db.sessions.begin() as session:
        later = burst + timedelta(minutes=30)
        assert not await attendance.take_back(session, crew.admin, event_id=buca.id, attendance_id=first_new, now=later)
        assert await attendance.take_back(session, crew.konak, event_id=bornova.id, attendance_id=first_new, now=later)
        assert not await attendance.take_back(
            session, crew.konak, event_id=bornova.id, attendance_id=first_new, now=later
        )

    async with db.sessions() as session:
        left = await checkin_review.at_events(session, [bornova.id])
    # Two left of the burst: no burst any more, but still new accounts.
    assert _flags(left) == {"Kişi 31012": (NEW_ACCOUNT,), "Kişi 31013": (NEW_ACCOUNT,), "Kişi 31002": (ELSEWHERE,)}
    report, paths = await _report(db, tmp_path, "after")
    assert next(line for line in report.indicators if line.ytd.code == "4.2.8").ytd.actual == 4
    assert "4 check-ins flagged for review" in paths["text"].read_text(encoding="utf-8")
