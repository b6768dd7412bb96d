"""The weekly workbook's per-question results sheets, one per survey, recounted from the raw
answers, with the anonymous survey's small period showing nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from io import BytesIO

from openpyxl import load_workbook

from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report
from storage.repositories import responses
from surveys.definition import load_shipped
from tests.reports.results_db_sample import seed

NOW = datetime(2026, 6, 1, 9, tzinfo=timezone.utc)


async def _book(db, first: date, last: date):
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=first, period_to=last, year=2026, now=NOW)
    return load_workbook(BytesIO(render_xlsx(report, "tr")))


def _answers(sheet, question: str) -> tuple[tuple, dict[str, object]]:
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    head = next(row for row in rows if row[0] == question and row[1])
    return head, {row[2]: row[4] for row in rows if row[0] == question and row[2]}


async def test_each_survey_has_a_results_sheet_recounted_from_the_answers(db) -> None:
    async with db.sessions.begin() as session:
        await seed(session)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    book = await _book(db, *year)
    assert {"Sonuç disability_centre", "Sonuç women_support"} <= set(book.sheetnames)
    async with db.sessions() as session:
        raw = await responses.answered(session, "disability_centre", *year)
    sheet = book["Sonuç disability_centre"]
    assert sheet["A2"].value == f"Yanıt sayısı: {len(raw)}"
    said = Counter(answers.answers["staff"] for answers in raw)
    head, points = _answers(sheet, "staff")
    assert head[3] == sum(said.values())
    scale = next(q for q in load_shipped()["disability_centre"].questions if q.id == "staff").scale
    assert list(points)[:5] == [labels.tr for labels in scale]  # then the skips
    # An identified survey hides a count of 1 to 4 (2 people said 1, 3 said 2) and shows the others.
    assert (said[1], said[2]) == (2, 3)
    assert [points[labels.tr] for labels in scale] == [
        "gizlendi" if 0 < said.get(point, 0) < 5 else said.get(point, 0) for point in range(1, 6)]

    # The anonymous survey in March: 12 responses, its n shown, every scale count (4, 4, 4) hidden.
    march = await _book(db, date(2026, 3, 1), date(2026, 3, 31))
    head, points = _answers(march["Sonuç women_support"], "overall")
    assert head[3] == 12 and list(points.values())[:5] == ["gizlendi"] * 5

    # May has 3 responses to the anonymous survey: its sheet shows nothing but that.
    may = await _book(db, date(2026, 5, 1), date(2026, 5, 31))
    cells = [c for row in may["Sonuç women_support"].iter_rows(min_row=2, values_only=True) for c in row if c is not None]
    assert cells == ["Anonim ankette 5'ten az yanıt: hiçbir sonuç gösterilmez."]
