"""Response rates of survey invitations: recorded as they are queued, marked as they are started
and completed, and recomputed here from the raw rows to check the report's figures, its workbook
sheet, its JSON and its low-rate warning."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.retention import run_retention
from devtools.emulator import EmulatorClient
from reports.document import report_document
from reports.labels import warning_text
from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report
from storage.centres import load_centres
from storage.models import OutboxMessage, Person, SurveyInvitationRecord
from storage.repositories import centres, outbox
from storage.repositories import invitations as store
from surveys.periods import period_of
from tests.conftest import Database, LiveBot, running_bot
from tests.reports.comments_sample import BORNOVA, BUCA
from tests.scale.scale_support import finish_after_the_services, reach_the_services_question

ISTANBUL = ZoneInfo("Europe/Istanbul")
NOW = datetime.now(timezone.utc)
TODAY = NOW.astimezone(ISTANBUL).date()
PERIOD = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"

# (survey, anonymous, source, centre, days ago, invited, delivered, started, completed)
PLAN = [
    ("disability_centre", False, "attendance", BORNOVA, 8, 10, 8, 5, 3),
    ("disability_centre", False, "attendance", BUCA, 0, 6, 6, 2, 1),
    ("disability_centre", False, "members", None, 1, 10, 10, 3, 1),
    ("open_anonymous", True, "all", None, 2, 5, 5, 5, 5),
]


async def _seed(db) -> None:
    person = 0
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        for survey, anonymous, source, centre, days_ago, invited, delivered, started, completed in PLAN:
            day = TODAY - timedelta(days=days_ago)
            for index in range(invited):
                person += 1
                session.add(
                    Person(
                        id=person,
                        citizen_key=f"k{person}",
                        telegram_user_id=9000 + person,
                        display_name=f"Kişi {person}",
                        language="tr",
                        created_at=NOW,
                    )
                )
                await session.flush()
                key = store.invitation_key(survey, PERIOD, person)
                await outbox.enqueue(
                    session,
                    dedupe_key=key,
                    chat_id=9000 + person,
                    kind="survey_invitation",
                    payload={"text": "davet"},
                    not_before=NOW,
                    now=NOW,
                )
                await store.record(
                    session,
                    dedupe_key=key,
                    survey_id=survey,
                    anonymous=anonymous,
                    period=PERIOD,
                    source=source,
                    centre_id=centre,
                    today=day,
                )
                if index < delivered:
                    await session.execute(
                        update(OutboxMessage).where(OutboxMessage.dedupe_key == key).values(status="sent", sent_at=NOW)
                    )
                if index < completed:
                    await store.mark(
                        session,
                        survey_id=survey,
                        period=PERIOD,
                        telegram_user_id=9000 + person,
                        step="completed",
                        today=TODAY,
                    )
                elif index < started:
                    await store.mark(
                        session,
                        survey_id=survey,
                        period=PERIOD,
                        telegram_user_id=9000 + person,
                        step="started",
                        today=TODAY,
                    )


async def _raw(db) -> dict[tuple[str, str, str, str | None], Counter[str]]:
    """The figures counted straight from the stored rows, by survey, source and breakdown."""
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(SurveyInvitationRecord, OutboxMessage.status).join(
                    OutboxMessage, OutboxMessage.dedupe_key == SurveyInvitationRecord.dedupe_key
                )
            )
        ).all()
    names = {centre.id: centre.name_tr for centre in load_centres()}
    counted: dict[tuple[str, str, str, str | None], Counter[str]] = {}
    for record, status in rows:
        year, week, _ = record.invited_on.isocalendar()
        groups = [("total", None), ("week", f"{year}-W{week:02d}")]
        if record.centre_id:
            groups.append(("centre", names[record.centre_id]))
        for by, key in groups:
            counter = counted.setdefault((record.survey_id, record.source, by, key), Counter())
            counter["invited"] += 1
            counter["delivered"] += status == "sent"
            counter["started"] += record.started_on is not None
            counter["completed"] += record.completed_on is not None
    return counted


async def test_response_rates_recomputed_from_the_raw_rows(db) -> None:
    await _seed(db)
    async with db.sessions() as session:
        report = await build_weekly_report(
            session, period_from=TODAY - timedelta(days=13), period_to=TODAY, year=TODAY.year, now=NOW
        )
    raw = await _raw(db)
    shown = {(r.survey_id, r.source, r.by, r.key): r for r in report.response_rates}
    assert set(shown) == set(raw)
    for key, counter in raw.items():
        rate = shown[key]
        assert (rate.invited, rate.delivered) == (counter["invited"], counter["delivered"])
        if key[0] == "open_anonymous":
            # Never marked, so never known: marking would tie the anonymous answer to the person.
            assert counter["started"] == counter["completed"] == 0
            assert rate.started is rate.completed is rate.completion_rate is None
        else:
            assert (rate.started, rate.completed) == (counter["started"], counter["completed"])
            assert rate.completion_rate == 100 * counter["completed"] / counter["delivered"]
    assert shown[("disability_centre", "attendance", "total", None)].completion_rate == 100 * 4 / 14
    # Only the members' campaign, 1 of 10 delivered completed, is under 20%.
    low = [w for w in report.warnings if w.code == "low_response_rate"]
    assert [w.subjects for w in low] == [("disability_centre/members (10.0%)",)]
    assert "disability_centre/members (10.0%)" in warning_text(low[0], "tr")

    document = report_document(report)
    members = next(r for r in document["response_rates"] if r["source"] == "members" and r["by"] == "total")
    assert members == {
        "survey": "disability_centre",
        "source": "members",
        "by": "total",
        "group": None,
        "invited": 10,
        "delivered": 10,
        "started": 3,
        "completed": 1,
        "completion_rate_percent": 10.0,
        "low": True,
    }

    book = load_workbook(BytesIO(render_xlsx(report, "tr")))
    sheet = book["Yanıt oranları"]
    assert [c.value for c in sheet[1]][:5] == ["Anket", "Davet nedeni", "Kırılım", "Grup", "Davet edilen"]
    table = {(row[0], row[1], row[2], row[3]): row[4:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert table[("disability_centre", "Etkinlik sonrası", "Merkez", "Bornova Engelli Hizmet Merkezi")] == (
        10,
        8,
        5,
        3,
        3 / 8,
    )
    anonymous = table[("open_anonymous", "Kampanya: herkes", "Toplam", None)]
    assert anonymous == (5, 5, "anonim ankette bilinmez", "anonim ankette bilinmez", None)

    # Sent outbox rows are purged after 30 days; the invitations still count as delivered.
    async with db.sessions.begin() as session:
        removed = await run_retention(session, NOW + timedelta(days=31), conversation_days=365)
    assert removed.outbox_rows == sum(delivered for *_, delivered, _, _ in PLAN)
    async with db.sessions() as session:
        later = await build_weekly_report(
            session, period_from=TODAY - timedelta(days=13), period_to=TODAY, year=TODAY.year, now=NOW
        )
    assert later.response_rates == report.response_rates


async def test_an_invitation_is_marked_once_and_a_completion_keeps_the_day_it_started(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        session.add(
            Person(id=1, citizen_key="k1", telegram_user_id=9001, display_name="Kişi", language="tr", created_at=NOW)
        )
        await session.flush()
        key = store.invitation_key("disability_centre", PERIOD, 1)
        await store.record(
            session,
            dedupe_key=key,
            survey_id="disability_centre",
            anonymous=False,
            period=PERIOD,
            source="attendance",
            centre_id=BORNOVA,
            today=TODAY - timedelta(days=3),
        )
        await store.record(
            session,
            dedupe_key=key,
            survey_id="disability_centre",
            anonymous=False,
            period=PERIOD,
            source="members",
            centre_id=None,
            today=TODAY,
        )
        for step, day in (("started", 2), ("started", 1), ("completed", 0)):
            await store.mark(
                session,
                survey_id="disability_centre",
                period=PERIOD,
                telegram_user_id=9001,
                step=step,
                today=TODAY - timedelta(days=day),
            )
    async with db.sessions() as session:
        record = await session.get(SurveyInvitationRecord, key)
    assert record is not None
    assert (record.source, record.invited_on) == ("attendance", TODAY - timedelta(days=3))
    assert (record.started_on, record.completed_on) == (TODAY - timedelta(days=2), TODAY)
    assert isinstance(record.invited_on, date)


@pytest.fixture
async def bot_on_today(db: Database, emulator_client: EmulatorClient, tmp_path: Path) -> AsyncIterator[LiveBot]:
    """The live bot on this module's clock, so its day is the day these tests expect even across midnight."""
    async for bot in running_bot(db, emulator_client, tmp_path, clock=lambda: NOW):
        yield bot


async def test_the_survey_flow_marks_the_invitation_started_and_completed(bot_on_today: LiveBot, db: Database) -> None:
    period = period_of("quarter", TODAY)
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        for number in (1, 2):
            session.add(
                Person(
                    id=number,
                    citizen_key=f"k{number}",
                    telegram_user_id=8300 + number,
                    display_name=f"Kişi {number}",
                    language="tr",
                    created_at=NOW,
                )
            )
            await session.flush()
            await store.record(
                session,
                dedupe_key=store.invitation_key("disability_centre", period, number),
                survey_id="disability_centre",
                anonymous=False,
                period=period,
                source="attendance",
                centre_id=BUCA,
                today=TODAY,
            )
    person = bot_on_today.citizen(8301, "tr")
    await reach_the_services_question(person)
    async with db.sessions() as session:
        begun = await session.get(SurveyInvitationRecord, store.invitation_key("disability_centre", period, 1))
    assert begun is not None and (begun.started_on, begun.completed_on) == (TODAY, None)
    await person.press("☐ Ulaşım")
    await person.wait_for(lambda m: "☑ Ulaşım" in str(m.get("reply_markup")), timeout=30)
    await finish_after_the_services(person)
    async with db.sessions() as session:
        answered = await session.get(SurveyInvitationRecord, store.invitation_key("disability_centre", period, 1))
        other = await session.get(SurveyInvitationRecord, store.invitation_key("disability_centre", period, 2))
    assert answered is not None and other is not None
    assert (answered.started_on, answered.completed_on) == (TODAY, TODAY)
    assert (other.started_on, other.completed_on) == (None, None)
