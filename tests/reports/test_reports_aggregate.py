"""Actuals, week changes, breakdowns and drill-down from a real database (SQLite and
PostgreSQL), against figures computed by hand in reports_db_sample."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from reports_db_sample import ACHIEVEMENTS, ACTUALS, TARGET, WEEK, WEEK_CHANGES, YEAR, seed

from reports.aggregate import (
    actual_of,
    current_plan,
    daily_frame,
    observe,
    observe_year,
    period_changes,
    satisfaction_breakdown,
    week_ends,
)
from reports.drilldown import drill, event_rows
from reports.indicators import CountInput, SurveyInput, evaluate, target_result
from reports.periods import due_week, iso_week, named_period, utc_bounds, week_bounds
from reports.plan import load_plan


@pytest.fixture
async def seeded(db):
    async with db.sessions.begin() as session:
        ids = await seed(session)
    return db, ids


async def test_year_actuals_match_the_hand_computed_figures(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        observed = await observe_year(session, YEAR)
    assert {code: actual_of(observed.get(code)) for code in ACTUALS} == pytest.approx(ACTUALS, nan_ok=True)
    assert observed["4.2.9"] == SurveyInput(satisfied=6, n=9, skipped=1)  # one response without a rating
    assert observed["4.2.5"] == SurveyInput(satisfied=7, n=9, skipped=0)
    assert "4.2.6" not in observed  # nobody entered a milestone: no data, not zero


async def test_achievement_and_target_from_the_database(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        plan = await current_plan(session, YEAR)
        results = evaluate(plan, YEAR, await observe_year(session, YEAR, plan=plan))
    assert {r.code: r.achievement for r in results} == pytest.approx(ACHIEVEMENTS, nan_ok=True)
    assert target_result(results).achievement == pytest.approx(TARGET)


async def test_istanbul_midnight_decides_the_year_of_an_event(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        first_day = await observe(session, first=date(2026, 1, 1), last=date(2026, 1, 1))
        new_year_eve = await observe(session, first=date(2025, 12, 31), last=date(2025, 12, 31))
        next_year = await observe(session, first=date(2027, 1, 1), last=date(2027, 1, 1))
        last_day = await observe(session, first=date(2026, 12, 31), last=date(2026, 12, 31))
    assert first_day["4.2.2"] == CountInput(1)  # 21:30 UTC on 31 Dec is 00:30 in İzmir
    assert new_year_eve["4.2.2"] == CountInput(1)  # 20:59 UTC is still 23:59 on 31 Dec
    assert last_day["4.2.2"] == CountInput(1)
    assert next_year["4.2.2"] == CountInput(1)  # 21:00 UTC on 31 Dec 2026 is New Year
    assert new_year_eve["4.2.5"] == SurveyInput(satisfied=1, n=1)
    assert "4.2.3" not in new_year_eve  # the 2025 aid was entered for 30 December


async def test_the_same_day_in_another_time_zone_moves_events(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        in_utc = await observe(session, first=date(2026, 1, 1), last=date(2026, 12, 31), zone=ZoneInfo("UTC"))
    # In UTC the 00:30-local event falls in 2025 and the midnight one in 2026.
    assert in_utc["4.2.2"] == CountInput(3)
    async with db.sessions() as session:
        only_new_year_utc = await observe(session, first=date(2026, 12, 31), last=date(2026, 12, 31),
                                          zone=ZoneInfo("UTC"))
    assert only_new_year_utc["4.2.2"] == CountInput(2)


async def test_week_changes_and_distinct_people(seeded) -> None:
    db, _ = seeded
    plan = load_plan()
    async with db.sessions() as session:
        frame = await daily_frame(session, plan, date(YEAR, 1, 1), WEEK[1])
    changes = period_changes(frame, plan, WEEK[0], WEEK[1], date(YEAR, 1, 1))
    assert changes == pytest.approx(WEEK_CHANGES, nan_ok=True)


async def test_a_week_reaching_back_before_new_year_counts_from_nothing(seeded) -> None:
    db, _ = seeded
    plan = load_plan()
    async with db.sessions() as session:
        frame = await daily_frame(session, plan, date(YEAR, 1, 1), date(YEAR, 1, 3))
    changes = period_changes(frame, plan, date(YEAR, 1, 1), date(YEAR, 1, 3), date(YEAR, 1, 1))
    assert changes["4.2.2"] == 1
    assert changes["4.2.5"] is None  # a share cannot change from "no answers"
    assert changes["4.2.3"] is None  # no aid entered before 1 February


async def test_satisfaction_breakdowns_hide_small_cells(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        by_centre = await satisfaction_breakdown(session, "disability_centre", date(YEAR, 1, 1), WEEK[1], "centre")
        by_language = await satisfaction_breakdown(session, "disability_centre", date(YEAR, 1, 1), WEEK[1], "language")
        by_role = await satisfaction_breakdown(session, "disability_centre", date(YEAR, 1, 1), WEEK[1], "role")
        with pytest.raises(ValueError, match="unknown breakdown"):
            await satisfaction_breakdown(session, "disability_centre", date(YEAR, 1, 1), WEEK[1], "district")
    cells = {cell.key: cell for cell in by_centre}
    assert cells["Bornova Engelli Hizmet Merkezi"].n == 6
    assert cells["Bornova Engelli Hizmet Merkezi"].share == pytest.approx(100 * 5 / 6)
    buca = cells["Buca Engelli Hizmet Merkezi"]
    assert buca.suppressed and buca.n is None and buca.share is None and buca.ci95 is None
    languages = {cell.key: cell for cell in by_language}
    assert languages["tr"].n == 7 and languages["ar"].suppressed  # 2 Arabic answers: hidden
    roles = {cell.key: cell for cell in by_role}
    assert roles["carer"].n == 7 and roles["carer"].share == pytest.approx(100 * 4 / 7)
    assert roles["self"].suppressed


async def test_drill_down_shows_rows_never_respondents(seeded) -> None:
    db, ids = seeded
    plan = load_plan()
    async with db.sessions() as session:
        women = await drill(session, plan.indicator("4.2.5"), date(YEAR, 1, 1), date(YEAR, 12, 31))
        disability = await drill(session, plan.indicator("4.2.9"), date(YEAR, 1, 1), date(YEAR, 12, 31))
        aid = await drill(session, plan.indicator("4.2.3"), date(YEAR, 1, 1), date(YEAR, 12, 31))
        people = await drill(session, plan.indicator("4.2.8"), *WEEK)
        members = await drill(session, plan.indicator("4.2.11"), date(YEAR, 1, 1), date(YEAR, 12, 31))
    # Anonymous: counted per survey version, never listed one by one (no day, language or role).
    assert [(row.kind, row.survey_version, row.value, row.note) for row in women] == [("responses", "1", 7, "n=9")]
    text = repr(women + disability)
    assert "respondent-secret" not in text and "özel yorum" not in text
    assert len(disability) == 9 and {row.note for row in disability} == {"tr, carer", "ar, self"}
    assert sorted((row.kind, row.value) for row in aid) == [("correction", 20), ("entry", 40), ("replaced", 25)]
    assert next(row.id for row in aid if row.kind == "replaced") == f"g-{ids['wrong']}"
    fixed = next(row for row in aid if row.kind == "correction")
    assert fixed.entered_by == "Ayşe Yılmaz (17.11.2026 16:45)" and fixed.note == f"→ g-{ids['wrong']}"
    # One row per person first served in the week (k2, k3 on 16 Nov, k4 on 20 Nov; k1 came in June).
    assert [(row.kind, row.centre, row.contribution) for row in people] == [
        ("first_attendance", "Bornova Engelli Hizmet Merkezi", 1)
    ] * 3
    assert [row.when for row in members] == [date(2026, 5, 5), date(2026, 11, 19)]
    assert all("Üye" not in repr(row) for row in members)


async def test_event_rows_carry_registrations_and_attendance(seeded) -> None:
    db, _ = seeded
    async with db.sessions() as session:
        rows = await event_rows(session, load_plan(), *WEEK)
    women = next(row for row in rows if row.type == "women")
    assert (women.indicator, women.registered, women.attended, women.day) == ("4.2.7", 3, 2, date(2026, 11, 18))
    assert {row.indicator for row in rows} == {"4.2.2", "4.2.4", "4.2.7", "4.2.8"}


def test_iso_weeks_around_new_year() -> None:
    assert iso_week(date(2026, 12, 31)) == "2026-W53"
    assert iso_week(date(2027, 1, 3)) == "2026-W53"
    assert iso_week(date(2027, 1, 4)) == "2027-W01"
    assert iso_week(date(2025, 12, 29)) == "2026-W01"
    assert week_bounds(date(2027, 1, 1)) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week_ends(date(2026, 1, 1), date(2026, 1, 14)) == [date(2026, 1, 4), date(2026, 1, 11), date(2026, 1, 14)]


def test_the_due_week_turns_at_monday_nine_in_istanbul() -> None:
    monday_nine = datetime(2027, 1, 4, 6, 0, tzinfo=timezone.utc)  # 09:00 in İzmir
    assert due_week(monday_nine) == (date(2026, 12, 28), date(2027, 1, 3))
    assert due_week(monday_nine - timedelta(seconds=1)) == (date(2026, 12, 21), date(2026, 12, 27))
    assert due_week(monday_nine + timedelta(days=2)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_named_periods_and_their_utc_bounds() -> None:
    today = date(2026, 11, 25)
    assert named_period("this_week", today) == (date(2026, 11, 23), today)
    assert named_period("last_week", today) == WEEK
    assert named_period("this_month", today) == (date(2026, 11, 1), today)
    assert named_period("year_to_date", today) == (date(2026, 1, 1), today)
    with pytest.raises(ValueError, match="unknown period"):
        named_period("forever", today)
    start, end = utc_bounds(date(2026, 1, 1), date(2026, 12, 31))
    assert start == datetime(2025, 12, 31, 21, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 12, 31, 21, 0, tzinfo=timezone.utc)
