"""The women's survey's overall question may be skipped: the 4.2.5 line states how many
responses skipped it beside n, in the terminal table, `kentbot indicators --json`, the weekly
text and the workbook, every figure recounted from the raw rows; a count from 1 to 4 is "<5"."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import kentbot, seed_for_cli
from openpyxl import load_workbook
from reports_db_sample import NOW, WEEK, YEAR, seed
from sqlalchemy import func, select

from reports.weekly import build_weekly_report, write_report_files
from storage.models import Response
from storage.repositories import surveys

SKIPS_ON = date(2026, 11, 17)  # inside the week under report


async def seed_with_skips(session) -> None:  # type: ignore[no-untyped-def]
    """The hand-computed year, and six women who answered but skipped the overall question."""
    await seed(session)
    for number in range(6):
        await surveys.save_response(session, surveys.NewResponse(
            survey_id="women_support", survey_version=1, period="2026-11", respondent_key=f"skipped-{number}",
            language="ar" if number % 2 else "tr", completed_on=SKIPS_ON, completed_at=None,
            answers={"felt_safe": 4}, centre_id=None, respondent_role=None, satisfied=None, score=None,
        ))


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):  # type: ignore[no-untyped-def]
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed_with_skips)


async def raw_counts(db, survey_id: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(n, skipped) of the year, counted from the response rows themselves."""
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Response.satisfied, func.count()).where(
                Response.survey_id == survey_id, Response.completed_on.between(date(YEAR, 1, 1), date(YEAR, 12, 31))
            ).group_by(Response.satisfied)
        )).all()
    counts = {satisfied: count for satisfied, count in rows}
    return counts.get(True, 0) + counts.get(False, 0), counts.get(None, 0)


async def test_the_command_line_states_the_skips_beside_n(seeded, tmp_path) -> None:
    n, skipped = await raw_counts(seeded, "women_support")
    assert (n, skipped) == (9, 6)

    code, out, err = await kentbot(seeded, tmp_path, "indicators", "--year", str(YEAR), "--json")
    assert code == 0, err
    rows = {row["code"]: row for row in json.loads(out)["indicators"]}
    assert (rows["4.2.5"]["n"], rows["4.2.5"]["skipped"], rows["4.2.5"]["skipped_hidden"]) == (n, skipped, False)
    # 4.2.9's one response without a rating is a count under 5: hidden, not given.
    assert await raw_counts(seeded, "disability_centre") == (9, 1)
    assert (rows["4.2.9"]["skipped"], rows["4.2.9"]["skipped_hidden"]) == (None, True)
    assert (rows["4.2.8"]["skipped"], rows["4.2.8"]["skipped_hidden"]) == (None, False)  # a count has no skips

    code, out, err = await kentbot(seeded, tmp_path, "indicators", "--year", str(YEAR))
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("4.2.5"))
    assert f"n={n} " in line and f"genel memnuniyet sorusunu atlayan: {skipped}" in line
    assert "atlayan: <5" in next(line for line in out.splitlines() if line.startswith("4.2.9"))


@pytest.mark.parametrize(("lang", "words"), [
    ("tr", "genel memnuniyet sorusunu atlayan: {}"),
    ("en", "skipped the overall satisfaction question: {}"),
    ("ar", "عدد من تخطّوا سؤال الرضا العام: \u2066{}\u2069"),
])
async def test_the_weekly_text_and_workbook_state_the_skips_beside_n(seeded, tmp_path: Path, lang: str, words: str) -> None:
    n, skipped = await raw_counts(seeded, "women_support")
    async with seeded.sessions() as session:
        report = await build_weekly_report(session, period_from=WEEK[0], period_to=WEEK[1], year=YEAR, now=NOW)
    paths = write_report_files(report, tmp_path / "out", lang)

    text = paths["text"].read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("4.2.5"))
    assert f"n={n}" in line and line.endswith("; " + words.format(skipped))
    assert next(line for line in text.splitlines() if line.startswith("4.2.9")).endswith("; " + words.format("<5"))

    sheet = load_workbook(paths["xlsx"]).worksheets[1]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    n_column = header.index("n")
    skipped_heading = header[n_column + 1]  # beside n
    assert (rows["4.2.5"]["n"], rows["4.2.5"][skipped_heading]) == (n, skipped)
    assert rows["4.2.9"][skipped_heading] == "<5"
    assert rows["4.2.8"][skipped_heading] is None
