"""The weekly report as an Excel workbook managers can forward and filter.

Values are written as real numbers and dates with number formats, never as formatted
text, so Excel shows them in the reader's locale (1.234,5 in Turkish Excel) and they
can be summed and filtered. Percentages are stored as fractions with a % format.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.cell_text import text_only
from reports.indicators import IndicatorResult, method_notes
from reports.labels import change_heading, drill_note, group_name, label, reasons_text, skipped_count, warning_text
from reports.model import DrillRow, SatisfactionRow, WeeklyReport, drill_total
from reports.results import QuestionResult, SurveyResults
from reports.stats import MIN_CELL_N
from surveys.labels import label as in_language

PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.0"
DATE = "dd.mm.yyyy"
DATETIME = "dd.mm.yyyy hh:mm"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)


def render_xlsx(report: WeeklyReport, lang: str = "tr") -> bytes:
    book = Workbook()
    _summary(book.worksheets[0], report, lang)  # a new workbook's one sheet
    _indicators(book.create_sheet(), report, lang)
    _satisfaction(book.create_sheet(), report, lang)
    _events(book.create_sheet(), report, lang)
    _drilldown(book.create_sheet(), report, lang)
    _comments(book.create_sheet(), report, lang)
    _response_rates(book.create_sheet(), report, lang)
    _method(book.create_sheet(), lang)
    for sheet, key in zip(book.worksheets, _SHEETS):
        sheet.title = label(key, lang)
    for found in report.results:
        sheet = book.create_sheet()
        # Excel allows 31 characters in a sheet's name.
        sheet.title = label("sheet_results", lang, survey=found.survey_id)[:31]
        _results(sheet, found, lang)
    out = BytesIO()
    text_only(book).save(out)  # typed text stays text, never a formula
    return out.getvalue()


_SHEETS = (
    "sheet_summary",
    "sheet_indicators",
    "sheet_satisfaction",
    "sheet_events",
    "sheet_drilldown",
    "sheet_comments",
    "sheet_response_rates",
    "sheet_method",
)


def _summary(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    target = report.target
    uncovered = ", ".join(target.uncovered)
    rows: list[tuple[str, Any, str | None]] = [
        ("summary_period_from", report.period_from, DATE),
        ("summary_period_to", report.period_to, DATE),
        ("summary_year", report.year, "0"),
        ("summary_generated", _naive(report.generated_at), DATETIME),
        ("summary_achievement", target.achievement, PERCENT),
        ("summary_covered", target.achievement_of_covered, PERCENT),
        ("summary_covered_weight", target.covered_weight / 100, "0%"),
        ("summary_uncovered", uncovered, None),
        # Excel cells hold no time zone: every time in the workbook is local İzmir time.
        ("summary_time_zone", label("time_zone", lang, zone=report.generated_at.tzinfo), None),
        ("col_uncovered_reason", "; ".join(
            f"{code}: {reasons_text(target.uncovered_reasons.get(code, ()), lang)}" for code in target.uncovered
        ), None),
        ("col_change", _change_heading(report, lang), None),
    ]
    sheet["A1"] = label("title", lang)
    sheet["A1"].font = TITLE_FONT
    for row, (key, value, fmt) in enumerate(rows, start=2):
        sheet.cell(row, 1, label(key, lang)).font = Font(bold=True)
        cell = sheet.cell(row, 2, value)
        cell.alignment = Alignment(horizontal="left")
        if fmt:
            cell.number_format = fmt
    row = len(rows) + 3
    sheet.cell(row, 1, label("warnings_header", lang)).font = Font(bold=True)
    for offset, warning in enumerate(report.warnings, start=1):
        sheet.cell(row + offset, 1, warning_text(warning, lang))
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 30


def _indicators(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    headers = (
        "col_code", "col_indicator", "col_unit", "col_weight", "col_baseline", "col_planned",
        "col_actual", "col_change", "col_achievement", "col_contribution", "col_n",
        "col_skipped", "col_ci_low", "col_ci_high", "col_notes", "col_source", "col_small_sample",
        "col_suppressed_flag", "col_baseline_known", "col_covered", "col_uncovered_reason",
    )
    _header(sheet, headers, lang)
    sheet.cell(1, 8, _change_heading(report, lang))
    for line in report.indicators:
        result = line.ytd
        unit_format = PERCENT if result.unit == "percent" else COUNT
        values = (
            (result.code, None),
            (line.indicator.name_in(lang), None),
            (label(f"unit_{result.unit}", lang), None),
            (result.weight / 100, "0%"),
            (_unit_value(result.baseline, result), unit_format),
            (_unit_value(result.planned, result), unit_format),
            (_unit_value(result.actual, result), unit_format),
            (line.change, _change_format(result.unit, lang)),
            (result.achievement, PERCENT),
            (result.contribution / 100, PERCENT),
            (result.n, COUNT),
            (skipped_count(result), COUNT),
            (_ci(result, 0), PERCENT),
            (_ci(result, 1), PERCENT),
            (_notes(result, lang), None),
            (line.indicator.source_in(lang), None),
            (_yes_no(result.small_sample, lang), None),
            (_yes_no(result.suppressed, lang), None),
            (_yes_no(result.baseline_known, lang), None),
            (_yes_no(result.covered, lang), None),
            (reasons_text(result.uncovered_reasons, lang) or None, None),
        )
        _row(sheet, values)
    total_row = sheet.max_row + 1
    sheet.cell(total_row, 1, label("total", lang)).font = Font(bold=True)
    weight = sheet.cell(total_row, 4, sum(line.ytd.weight for line in report.indicators) / 100)
    weight.number_format = "0%"
    contribution = sheet.cell(total_row, 10, report.target.achievement)
    contribution.number_format = PERCENT
    contribution.font = Font(bold=True)
    _finish(sheet, (8, 60, 10, 9, 12, 12, 12, 14, 13, 13, 8, 12, 11, 11, 30, 50, 11, 11, 11, 11, 24), rows=total_row - 1)


def _satisfaction(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    headers = (
        "col_code", "col_group", "col_breakdown", "col_n", "col_share", "col_ci_low", "col_ci_high",
        "col_suppressed", "col_small_sample",
    )
    _header(sheet, headers, lang)
    for row in report.satisfaction:
        low, high = row.ci95 if row.ci95 else (None, None)
        key = group_name(row.by, row.key, lang)
        _row(
            sheet,
            (
                (row.indicator, None),
                (key, None),
                (label(f"breakdown_{row.by}", lang), None),
                (_hidden_n(row) if row.suppressed else row.n, COUNT),
                (_fraction(row.share), PERCENT),
                (_fraction(low), PERCENT),
                (_fraction(high), PERCENT),
                (_yes_no(row.suppressed, lang), None),
                (_yes_no(row.small_sample, lang), None),
            ),
        )
    _finish(sheet, (8, 40, 14, 8, 13, 11, 11, 10, 11))


def _events(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    headers = (
        "col_date", "col_centre", "col_type", "col_code", "col_title", "col_registered",
        "col_attended", "col_attendance_rate", "col_counted_by",
    )
    _header(sheet, headers, lang)
    for event in report.events:
        measure: str | None
        came, measure = (event.attended, "attended") if event.attended else (event.headcount, "headcount")
        if came is None:
            measure = None
        rate = None
        if event.registered and came is not None:
            rate = came / event.registered
        _row(
            sheet,
            (
                (event.day, DATE),
                (event.centre, None),
                (event.type, None),
                (event.indicator, None),
                (event.title, None),
                (event.registered, COUNT),
                (came, COUNT),
                (rate, PERCENT),
                (label(f"measure_{measure}", lang) if measure else None, None),
            ),
        )
    _finish(sheet, (12, 36, 20, 8, 40, 10, 10, 12, 14))


def _drilldown(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    headers = (
        "col_code", "col_kind", "col_id", "col_date", "col_centre", "col_entered_by",
        "col_survey_version", "col_value", "col_note", "col_measure", "col_contribution_row", "col_answers",
    )
    _header(sheet, headers, lang)
    units = {line.ytd.code: line.ytd.unit for line in report.indicators}
    for code, rows in report.drilldown.items():
        for row in rows:
            when = _naive(row.when) if isinstance(row.when, datetime) else row.when
            _row(
                sheet,
                (
                    (code, None),
                    (row.kind, None),
                    (row.id, None),
                    (when, DATETIME if isinstance(when, datetime) else DATE),
                    (row.centre, None),
                    (row.entered_by, None),
                    (row.survey_version, None),
                    (row.value, DECIMAL if isinstance(row.value, float) else None),
                    (drill_note(row, lang), None),
                    (label(f"measure_{row.measure}", lang) if row.measure else None, None),
                    (row.contribution, DECIMAL if isinstance(row.contribution, float) else None),
                    (row.answers, COUNT),
                ),
            )
        _drill_total_row(sheet, code, rows, units.get(code, "count"), lang)
    _finish(sheet, (8, 14, 14, 16, 36, 18, 12, 10, 40, 14, 12, 10))


def _drill_total_row(sheet: Worksheet, code: str, rows: Sequence[DrillRow], unit: str, lang: str) -> None:
    """Under an indicator's rows, the sum of what they add: the figure they make by hand."""
    total = drill_total(rows, unit)
    row = sheet.max_row + 1
    sheet.cell(row, 1, label("drill_total", lang, code=code)).font = Font(bold=True)
    if total.hidden:
        sheet.cell(row, 9, f"n<{MIN_CELL_N}")
        return
    sheet.cell(row, 11, total.contribution).font = Font(bold=True)
    if total.answers is not None:
        sheet.cell(row, 12, total.answers).font = Font(bold=True)


def _comments(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    """One comment a row, newest first; an anonymous one with its period, not its day."""
    headers = ("col_date", "col_period", "col_centre", "col_language", "col_survey", "col_question", "col_comment")
    _header(sheet, headers, lang)
    for comment in report.comments:
        _row(
            sheet,
            (
                (comment.day, DATE),
                (comment.period, None),
                (comment.centre, None),
                (label(f"language_{comment.language}", lang), None),
                (in_language(comment.survey_title, lang), None),
                (in_language(comment.question, lang), None),
                (comment.text, None),
            ),
        )
    for cells in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    _finish(sheet, (12, 10, 30, 12, 30, 40, 80))


def _response_rates(sheet: Worksheet, report: WeeklyReport, lang: str) -> None:
    """Invited, delivered, started and completed per survey and source: in total, by centre, by week."""
    headers = (
        "col_survey", "col_sent_because", "col_breakdown", "col_group", "col_invited", "col_delivered",
        "col_started", "col_completed", "col_completion_rate",
    )
    _header(sheet, headers, lang)
    unknown = label("rate_unknown", lang)
    for rate in report.response_rates:
        _row(
            sheet,
            (
                (rate.survey_id, None),
                (label(f"source_{rate.source}", lang), None),
                (label(f"breakdown_{rate.by}", lang), None),
                (rate.key, None),
                (rate.invited, COUNT),
                (rate.delivered, COUNT),
                (unknown if rate.started is None else rate.started, COUNT),
                (unknown if rate.completed is None else rate.completed, COUNT),
                (_fraction(rate.completion_rate), PERCENT),
            ),
        )
    _finish(sheet, (18, 24, 12, 30, 12, 12, 12, 12, 14))


def _results(sheet: Worksheet, found: SurveyResults, lang: str) -> None:
    """One survey's questions, each followed by its answers' counts, hidden ones said so."""
    headers = (
        "col_question_id", "col_question", "col_answer", "col_n", "col_count", "col_answer_share", "col_top2",
        "col_mean", "col_median", "col_flags",
    )
    _header(sheet, headers, lang)
    if found.suppressed:
        sheet.cell(2, 1, label("results_suppressed", lang))
        _finish(sheet, (14, 50, 30, 8, 8, 10, 14, 10, 10, 30))
        return
    sheet.cell(2, 1, label("results_responses", lang, n=found.responses))
    for change in found.changes:
        _row(sheet, ((label("results_version_changed", lang, version=change.version, day=change.first_day.strftime("%d.%m.%Y")), None),))
    for question in found.questions:
        _question_rows(sheet, question.id, question, lang)
        for other in question.by_version:
            _question_rows(sheet, label("results_in_version", lang, id=question.id, version=other.version), other.question, lang)
    for old in found.retired:
        _question_rows(sheet, label("results_in_version", lang, id=old.question.id, version=old.version), old.question, lang)
    _finish(sheet, (14, 50, 30, 8, 8, 10, 14, 10, 10, 30))


def _question_rows(sheet: Worksheet, key: str, question: QuestionResult, lang: str) -> None:
    """A question's row, then one row per answer, hidden counts said so; `key` names the
    question (and the version, for a question asked in another form)."""
    hidden = label("results_hidden", lang)
    flags = label("results_too_few", lang) if question.suppressed else (
        label("results_small", lang) if question.small_sample else None)
    _row(
        sheet,
        (
            (key, None),
            (in_language(question.label, lang), None),
            (None, None),
            ("<5" if question.n is None else question.n, COUNT),
            (None, None),
            (_fraction(question.yes.percent) if question.yes else None, PERCENT),  # yes / no
            (_fraction(question.top2.percent) if question.top2 else None, PERCENT),
            (hidden if question.type == "likert5" and not question.suppressed and question.mean is None
             else question.mean, "0.00"),
            (question.numbers.median if question.numbers else None, DECIMAL),
            (flags, None),
        ),
    )
    sides = [side for side in (question.not_applicable, question.skipped) if side is not None]
    for cell in (*question.cells, *sides):
        _row(
            sheet,
            (
                (key, None),
                (None, None),
                (in_language(cell.label, lang), None),
                (None, None),
                (hidden if cell.hidden or cell.count is None else cell.count, COUNT),
                (_fraction(cell.share), PERCENT),
            ),
        )


def _method(sheet: Worksheet, lang: str) -> None:
    sheet["A1"] = label("sheet_method", lang)
    sheet["A1"].font = TITLE_FONT
    for row, paragraph in enumerate(method_notes(lang), start=2):
        cell = sheet.cell(row, 1, paragraph)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110


def _header(sheet: Worksheet, keys: Sequence[str], lang: str) -> None:
    for column, key in enumerate(keys, start=1):
        cell = sheet.cell(1, column, label(key, lang))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _row(sheet: Worksheet, values: Sequence[tuple[Any, str | None]]) -> None:
    row = sheet.max_row + 1
    for column, (value, fmt) in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        if fmt and value is not None and not isinstance(value, str):
            cell.number_format = fmt


def _finish(sheet: Worksheet, widths: Sequence[int], rows: int | None = None) -> None:
    """Column widths, header frozen, and a filter over the table (not over a totals row)."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    last_row = max(rows if rows is not None else sheet.max_row, 1)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{last_row}"


def _change_format(unit: str, lang: str) -> str:
    """Percent indicators change in percentage points, which a % format would misstate."""
    if unit == "percent":
        points = label("points", lang)
        return f'+0.0" {points}";-0.0" {points}";0.0" {points}"'
    return "+#,##0;-#,##0;0"


def _unit_value(value: float | None, result: IndicatorResult) -> float | None:
    """Percent indicators are stored as fractions so Excel's % format shows them right."""
    if value is None:
        return None
    return value / 100 if result.unit == "percent" else value


def _change_heading(report: WeeklyReport, lang: str) -> str:
    return change_heading(report.change_from, report.change_to, report.compared_with, lang)


def _notes(result: IndicatorResult, lang: str) -> str:
    notes = [label(f"note_{note}", lang) for note in result.notes]
    if not result.baseline_known:
        notes.append(label("note_baseline_unknown", lang))
    return ", ".join(notes)


def _yes_no(flag: bool, lang: str) -> str:
    return label("yes" if flag else "no", lang)


def _hidden_n(row: SatisfactionRow) -> str:
    """A small cell says it has fewer than 5 answers; one hidden beside it says nothing."""
    return "—" if row.complement else "<5"


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def _ci(result: IndicatorResult, end: int) -> float | None:
    return None if result.ci95 is None else result.ci95[end] / 100


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones; the time is kept as shown on the sender's clock."""
    return moment.replace(tzinfo=None)
