"""The weekly report built from the database, its files, and the Monday job with an
injected clock: once at 09:00 Istanbul, caught up after downtime, never twice."""

from __future__ import annotations

import asyncio
import base64
from datetime import date, datetime, timezone
from io import BytesIO

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook
from reports_db_sample import ISTANBUL, NOW, WEEK, YEAR, seed
from sqlalchemy import func, select

from reports.schedule import run_weekly
from reports.weekly import PeriodError, build_weekly_report, write_report_files
from storage.models import OutboxMessage, ReportRun, StaffMember
from storage.repositories import reports as store


@pytest.fixture
async def seeded(db):
    async with db.sessions.begin() as session:
        await seed(session)
    return db


async def _report(db, **overrides):
    arguments = {"period_from": WEEK[0], "period_to": WEEK[1], "year": YEAR, "now": NOW} | overrides
    async with db.sessions() as session:
        return await build_weekly_report(session, **arguments)


async def test_workbook_from_the_database(seeded, tmp_path) -> None:
    paths = write_report_files(await _report(seeded), tmp_path / "out")
    book = load_workbook(paths["xlsx"])
    indicators = {row[0]: row for row in book["Göstergeler"].iter_rows(min_row=2, values_only=True)}
    assert indicators["4.2.8"][6:8] == (4, 3)  # actual, change this week
    assert indicators["4.2.3"][4:8] == (20, 100, 60, 20)
    assert indicators["4.2.9"][6] == pytest.approx(6 / 9)  # stored as a fraction with a % format
    assert indicators["4.2.9"][7] == pytest.approx(100 * (6 / 9 - 4 / 7))
    assert indicators["4.2.9"][10] == 9
    assert indicators["4.2.6"][6] is None
    satisfaction = {row[1]: row for row in book["Memnuniyet"].iter_rows(min_row=2, values_only=True)}
    assert satisfaction["Bornova Engelli Hizmet Merkezi"][2:5] == ("Merkez", 6, pytest.approx(5 / 6))
    assert satisfaction["Buca Engelli Hizmet Merkezi"][2:5] == ("Merkez", "<5", None)
    # By the language answered in and by who answered, small groups hidden the same way.
    assert satisfaction["Türkçe"][2:4] == ("Yanıt dili", 7) and satisfaction["Arapça"][3] == "<5"
    assert satisfaction["Yakını ya da bakım veren"][2:5] == ("Yanıtlayan", 7, pytest.approx(4 / 7))
    assert satisfaction["Hizmeti alan kişi"][3] == "<5"
    assert "—" not in satisfaction  # the anonymous survey asks neither centre nor role
    events = list(book["Etkinlikler"].iter_rows(min_row=2, values_only=True))
    women = next(row for row in events if row[2] == "women")
    assert women[3] == "4.2.7" and women[5:8] == (3, 2, pytest.approx(2 / 3))
    drill = list(book["İnceleme"].iter_rows(min_row=2, values_only=True))
    responses = [row for row in drill if row[1] == "response"]
    assert {row[0] for row in responses} == {"4.2.9"} and {row[6] for row in responses} == {"1"}
    assert len(responses) == 2  # the week's two answers; the unanswered one is not a row behind the number
    corrected = [row for row in drill if row[0] == "4.2.3"]
    assert sorted(row[1] for row in corrected) == ["correction", "replaced"]
    # Free text is read on the comments sheet only, each comment alone.
    comments = [row for row in book["Yorumlar"].iter_rows(min_row=2, values_only=True)]
    assert comments and all(row[6] == "özel yorum metni" for row in comments)
    all_cells = " ".join(str(cell) for sheet in book if sheet.title != "Yorumlar"
                         for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "respondent-secret" not in all_cells and "özel yorum" not in all_cells and "Üye 1" not in all_cells
    summary = {row[0]: row[1] for row in book["Özet"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["Dönem başı"] == datetime(2026, 11, 16)
    assert any("Buca Engelli Hizmet Merkezi: 1 etkinlikte yoklama" in str(key) for key in summary)


async def test_chart_and_text_files(seeded, tmp_path) -> None:
    paths = write_report_files(await _report(seeded), tmp_path / "out", lang="en")
    pixels = imread(paths["png"])
    assert pixels.shape[1] == 1080 and pixels.shape[0] > 1000
    text = paths["text"].read_text(encoding="utf-8")
    assert "Period: 16.11.2026–22.11.2026" in text
    assert "4.2.8 Disability-centre beneficiaries: +3 | 4 / 8 persons (50.0%)" in text


async def test_trend_has_one_point_per_week(seeded) -> None:
    report = await _report(seeded)
    assert report.trend[0].week_end == date(2026, 1, 4) and report.trend[-1].week_end == WEEK[1]
    assert len(report.trend) == 47
    assert [p.achievement for p in report.trend] == sorted(p.achievement for p in report.trend)


async def test_year_end_week_53_closes_the_old_year(seeded) -> None:
    report = await _report(seeded, period_from=date(2026, 12, 28), period_to=date(2027, 1, 3), year=2026)
    lines = {line.ytd.code: line for line in report.indicators}
    assert lines["4.2.2"].ytd.actual == 3 and lines["4.2.2"].change == 1  # 31 Dec 23:30, not 1 Jan 00:00
    assert report.trend[-1].week_end == date(2026, 12, 31)
    with pytest.raises(PeriodError, match="outside"):
        await _report(seeded, year=2025)
    with pytest.raises(PeriodError, match="after it ends"):
        await _report(seeded, period_from=WEEK[1], period_to=WEEK[0])


# --- The Monday job ---------------------------------------------------------------------------


async def _managers(db) -> dict[str, int]:
    """An English manager, an admin, a plain staff member and a revoked manager, all subscribed."""
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    people = {
        "manager": StaffMember(telegram_user_id=7001, display_name="Müdür", role="manager", language="en", created_at=created),
        "admin": StaffMember(telegram_user_id=7002, display_name="Yönetici", role="admin", language="tr", created_at=created),
        "staff": StaffMember(telegram_user_id=7003, display_name="Personel", role="staff", language="tr", created_at=created),
        "revoked": StaffMember(telegram_user_id=7004, display_name="Eski", role="manager", language="tr",
                               created_at=created, revoked_at=created, active=False),
    }
    async with db.sessions.begin() as session:
        session.add_all(people.values())
        await session.flush()
        for person in people.values():
            assert await store.subscribe(session, person.id, created)
        assert not await store.subscribe(session, people["manager"].id, created)
    return {name: person.id for name, person in people.items()}


async def _outbox(db) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def _runs(session) -> list[ReportRun]:
    return list((await session.execute(select(ReportRun).order_by(ReportRun.week))).scalars())


def _part(payload: dict) -> str:
    return next(part for part in ("document", "photo", "text") if part in payload)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ISTANBUL).astimezone(timezone.utc)


async def test_fires_once_at_nine_on_monday(seeded) -> None:
    ids = await _managers(seeded)
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 16), 9)) == "2026-W46"
    before = len(await _outbox(seeded))
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 23), 8, 59)) is None
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 23), 9)) == "2026-W47"
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 23), 9, 1)) is None
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 26), 12)) is None
    messages = [m for m in await _outbox(seeded)][before:]
    assert {m.chat_id for m in messages} == {7001, 7002}  # not plain staff, not the revoked manager
    assert sorted(m.dedupe_key for m in messages) == sorted(
        f"report:2026-W47:{ids[who]}:{part}" for who in ("manager", "admin") for part in ("document", "photo", "text")
    )
    english = {_part(m.payload): m.payload for m in messages if m.chat_id == 7001}
    assert english["text"]["text"].startswith("Target 4.2 weekly summary\nPeriod: 16.11.2026–22.11.2026")
    assert base64.b64decode(english["photo"]["photo"]["content_b64"]).startswith(b"\x89PNG")
    book = load_workbook(BytesIO(base64.b64decode(english["document"]["document"]["content_b64"])))
    assert book.sheetnames[0] == "Summary" and english["document"]["document"]["file_name"].endswith(".xlsx")
    turkish = next(m.payload for m in messages if m.chat_id == 7002 and "text" in m.payload)
    assert turkish["text"].startswith("Hedef 4.2 haftalık özet")
    async with seeded.sessions() as session:
        runs = {run.week: run.recipients for run in await _runs(session)}
    assert runs == {"2026-W46": 2, "2026-W47": 2}


async def test_catches_up_a_missed_monday_and_only_the_latest(seeded) -> None:
    await _managers(seeded)
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 9), 9, 30)) == "2026-W45"
    # Down from Sunday 15 to Wednesday 25 November: two Mondays missed, the latest is sent.
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 25), 14)) == "2026-W47"
    async with seeded.sessions() as session:
        assert [run.week for run in await _runs(session)] == ["2026-W45", "2026-W47"]


async def test_two_workers_at_the_same_tick_send_once(seeded) -> None:
    await _managers(seeded)
    monday = _at(date(2027, 1, 4), 9)
    results = await asyncio.gather(*(run_weekly(seeded.sessions, monday) for _ in range(3)))
    assert sorted(results, key=str) == ["2026-W53", None, None]
    messages = await _outbox(seeded)
    assert len(messages) == 6 and len({m.dedupe_key for m in messages}) == 6
    async with seeded.sessions() as session:
        run = (await session.execute(select(ReportRun))).scalar_one()
    assert (run.period_from, run.period_to) == (date(2026, 12, 28), date(2027, 1, 3))


async def test_no_subscribers_records_the_week_without_building(seeded) -> None:
    assert await run_weekly(seeded.sessions, _at(date(2026, 11, 23), 10)) == "2026-W47"
    async with seeded.sessions() as session:
        assert (await session.execute(select(func.count(OutboxMessage.id)))).scalar_one() == 0
        assert [(r.week, r.recipients) for r in await _runs(session)] == [("2026-W47", 0)]

