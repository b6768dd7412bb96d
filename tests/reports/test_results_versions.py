"""Results over a period in which the survey's version changed: a question is counted only over
the versions that asked it the same way, a reworded one per version, a retired one per version
it was answered in, and every report says that the version changed, in every language."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports.drivers import CentreComparison
from reports.model import version_warnings, weekly_report
from reports.render_results import results_document, results_text
from reports.render_text import render_text
from reports.render_xlsx import render_xlsx
from reports.results import SurveyResults, survey_results
from storage.answered import ResponseAnswers
from surveys.definition import SurveyDefinition, load_shipped

CURRENT = load_shipped()["disability_centre"]
FIRST, LAST = date(2026, 10, 1), date(2026, 12, 31)
CHANGED_ON = date(2026, 11, 17)


def earlier_version() -> SurveyDefinition:
    """The same survey as it was before: one rating of getting there, entrances and toilets
    together, and the staff question in other words."""
    raw = CURRENT.model_dump(mode="json")
    questions = []
    for question in raw["questions"]:
        if question["id"] in ("moving_inside", "toilets"):
            continue
        if question["id"] == "getting_there":
            question = {**question, "id": "accessibility", "not_applicable": False,
                        "label": {"tr": "Merkeze ulaşım, giriş ve tuvaletler gibi erişilebilirlikten ne kadar memnunsunuz?"}}
        if question["id"] == "staff":
            question = {**question, "label": {"tr": "Çalışanların tutumundan ne kadar memnunsunuz?"}}
        questions.append(question)
    return SurveyDefinition.model_validate({**raw, "version": CURRENT.version - 1, "questions": questions})


OLD = earlier_version()


def rows() -> list[ResponseAnswers]:
    rng = random.Random(7)
    found = []
    for day in range(1, 31):
        on = date(2026, 10 + day % 2, day)
        old = on < CHANGED_ON
        answers: dict[str, object] = {"role": "carer", "overall": rng.choice([3, 4, 5]), "staff": 5 if old else 2,
                                      "activities": rng.choice([3, 4, 5]), "carer_informed": "yes"}
        if old:
            answers["accessibility"] = 4
        else:
            answers.update(getting_there=2, moving_inside="na", toilets=1)
        found.append(ResponseAnswers(OLD.version if old else CURRENT.version, None, on, "2026-Q4", answers))
    return found


def results() -> SurveyResults:
    return survey_results(CURRENT, {OLD.version: OLD, CURRENT.version: CURRENT}, rows(), first=FIRST, last=LAST)


def question(found: SurveyResults, qid: str):  # type: ignore[no-untyped-def]
    return next(q for q in found.questions if q.id == qid)


def test_a_reworded_question_is_counted_per_version_and_an_unchanged_one_over_both() -> None:
    found = results()
    new = [row for row in rows() if row.survey_version == CURRENT.version]
    # The overall item is asked the same way in both versions: one figure over every response.
    assert question(found, "overall").n == 30 and question(found, "overall").by_version == ()
    # The staff question changed its words: the current figure counts the new version only,
    # the earlier version's answers are shown apart, not mixed in.
    staff = question(found, "staff")
    assert staff.n == len(new) and staff.top2 is not None and staff.top2.successes == 0
    (earlier,) = staff.by_version
    assert earlier.version == OLD.version and earlier.question.n == 30 - len(new)
    assert earlier.question.top2 is not None and earlier.question.top2.percent == 100
    assert earlier.question.label.tr == "Çalışanların tutumundan ne kadar memnunsunuz?"
    # A question the current version no longer asks is given for the version that asked it.
    assert [(r.version, r.question.id, r.question.n) for r in found.retired] == [(OLD.version, "accessibility", 30 - len(new))]
    # A question new in this version is counted over the responses that were asked it only.
    toilets = question(found, "toilets")
    assert toilets.n == len(new) and toilets.skipped.count == 0
    moving = question(found, "moving_inside")
    assert moving.n == 0 and moving.not_applicable is not None and moving.not_applicable.count == len(new)
    assert found.changes[0].version == CURRENT.version and found.changes[0].first_day == CHANGED_ON


def test_the_results_text_and_document_say_the_version_changed_and_show_each_version() -> None:
    found = results()
    text = results_text(found)
    assert f"Anket sürümü değişti: sürüm {CURRENT.version}, ilk yanıtı 17.11.2026" in text
    assert f"soru sürüm {OLD.version}'de başka biçimde soruldu" in text and "Çalışanların tutumundan" in text
    assert "Önceki sürümlerde sorulup artık sorulmayan sorular:" in text and "[accessibility," in text
    document = results_document(found)
    assert document["changes"] == [{"version": CURRENT.version, "first_day": "2026-11-17"}]
    assert document["retired"][0]["question"]["id"] == "accessibility"


def test_the_weekly_report_warns_of_the_change_in_its_text_and_workbook() -> None:
    found = results()
    assert version_warnings([found])[0].subjects == (f"disability_centre v{CURRENT.version} (17.11.2026)",)
    report = weekly_report(
        period_from=FIRST, period_to=LAST, year=2026, generated_at=datetime(2027, 1, 4, 6, tzinfo=timezone.utc),
        lines=(), comparisons=[CentreComparison(city=found, centres=(), drivers={})],
    )
    text = render_text(report)
    assert "Anket sürümü dönem içinde değişti" in text and f"disability_centre v{CURRENT.version} (17.11.2026)" in text
    book = load_workbook(BytesIO(render_xlsx(report)))
    cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(f"sürüm {CURRENT.version}, ilk yanıtı 17.11.2026" in cell for cell in cells)
    assert f"staff (sürüm {OLD.version})" in cells and f"accessibility (sürüm {OLD.version})" in cells


def test_a_period_answered_in_one_version_reports_no_change() -> None:
    only_new = [row for row in rows() if row.survey_version == CURRENT.version]
    found = survey_results(CURRENT, {CURRENT.version: CURRENT}, only_new, first=FIRST, last=LAST)
    assert found.changes == () and found.retired == () and version_warnings([found]) == ()
    assert "Anket sürümü değişti" not in results_text(found)


# The warning and the results sheets' note in the manager's language; an Arabic line starts right
# to left and isolates what reads left to right (the survey, its version and the day).
WARNED_IN = {
    "en": ("The survey version changed within the period; questions asked in another form are shown per version "
           f"on the results sheets: disability_centre v{CURRENT.version} (17.11.2026)",
           f"The survey version changed: version {CURRENT.version}, first answered 17.11.2026. "
           "Questions asked in another form are counted per version.",
           f"staff (version {OLD.version})"),
    "ar": ("تغيّر إصدار الاستبيان خلال الفترة؛ تظهر الأسئلة التي طُرحت بصيغة أخرى لكل إصدار على حدة في أوراق النتائج: "
           f"\u2066disability_centre v{CURRENT.version} (17.11.2026)\u2069",
           f"تغيّر إصدار الاستبيان: الإصدار \u2066{CURRENT.version}\u2069، أول إجابة عنه في \u206617.11.2026\u2069. "
           "تُحسب الأسئلة التي طُرحت بصيغة أخرى لكل إصدار على حدة.",
           f"\u2066staff\u2069 (الإصدار \u2066{OLD.version}\u2069)"),
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_weekly_report_warns_of_the_change_in_english_and_arabic(lang: str) -> None:
    warning, note, reworded = WARNED_IN[lang]
    report = weekly_report(
        period_from=FIRST, period_to=LAST, year=2026, generated_at=datetime(2027, 1, 4, 6, tzinfo=timezone.utc),
        lines=(), comparisons=[CentreComparison(city=results(), centres=(), drivers={})],
    )
    text = render_text(report, lang)
    line = next(line for line in text.splitlines() if warning in line)
    assert "sürüm" not in text and "Anket" not in text
    if lang == "ar":
        first_letter = re.search(r"[A-Za-z\u0600-\u06ff]", line)
        assert first_letter is not None and "\u0600" <= first_letter.group(0) <= "\u06ff"
    book = load_workbook(BytesIO(render_xlsx(report, lang)))
    cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(warning in cell for cell in cells)
    assert any(note in cell for cell in cells) and reworded in cells
