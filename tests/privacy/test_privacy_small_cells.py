"""Attacks on small groups: whoever reads a report, a chat answer or open data must not learn
the answer of one of fewer than 5 people in an anonymous survey.

Every output is attacked: /indicator in chat, `kentbot indicator` and `indicators` (table and
JSON), the report as text, JSON, workbook and chart, and open data. A share of fewer than 5
answers is shown as hidden with its n (never 100% of one answer), its achievement hidden with
it; anonymous responses are counted, never listed; and a small group's answers cannot be
worked out from the total and the groups shown beside it.
"""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from matplotlib.text import Text
from openpyxl import load_workbook

from bot.cli import main
from reports.periods import ISTANBUL
from reports.render_png import draw
from reports.weekly import build_weekly_report
from storage.centres import load_centres
from storage.models import StaffMember
from storage.repositories import centres, plan
from storage.repositories import surveys as survey_store
from surveys.definition import content_hash, load_shipped

# The chat reports the year to date by the real clock, so the answers are given today.
TODAY = datetime.now(ISTANBUL).date()
YEAR = TODAY.year
MANAGER = 8801


async def seed(db, women: list[tuple[bool, str]], disability: list[tuple[bool, str]] = ()) -> None:
    """Shipped survey versions, a plan for both percentages, and the given answers:
    (satisfied, language) for the anonymous survey, (satisfied, centre) for the other."""
    now = datetime.now(timezone.utc)
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        for defn in load_shipped().values():
            await survey_store.register_definition(
                session, survey_id=defn.id, version=defn.version, content_hash=content_hash(defn),
                indicator=defn.indicator, anonymity=defn.anonymity, definition=defn.model_dump(mode="json"), now=now,
            )
        for code in ("4.2.5", "4.2.9"):
            await plan.set_value(session, code=code, year=YEAR, planned=80, baseline=None, actor="test", now=now)
        versions = {defn.id: defn.version for defn in load_shipped().values()}
        answers = [("women_support", satisfied, language, None) for satisfied, language in women]
        answers += [("disability_centre", satisfied, "tr", centre) for satisfied, centre in disability]
        for number, (survey_id, satisfied, language, centre) in enumerate(answers):
            await survey_store.save_response(session, survey_store.NewResponse(
                survey_id=survey_id, survey_version=versions[survey_id], period=f"p{number}", respondent_key=f"respondent-{number}",
                language=language, completed_on=TODAY, completed_at=None, answers={"overall": 5 if satisfied else 2},
                centre_id=centre, satisfied=satisfied, score=5 if satisfied else 2,
            ))


@pytest.fixture
def cli(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`kentbot …` on the test database, run as from a shell; returns (exit code, stdout)."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("KENTBOT_SECRET", "test-secret-0123456789abcdef")
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)

    async def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(args))
        return code, capsys.readouterr().out

    return run


def line_of(out: str, start: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(start))


# --- Chat ----------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [1, 2, 4])
async def test_indicator_in_chat_shows_no_answer_of_fewer_than_five(inprocess_bot, db, answers: int) -> None:
    await seed(db, women=[(True, "tr")] * answers)
    async with db.sessions.begin() as session:
        session.add(StaffMember(telegram_user_id=MANAGER, display_name="Müdür", role="manager", language="tr",
                                created_at=datetime.now(timezone.utc)))

    await inprocess_bot.feed(inprocess_bot.message_update(MANAGER, "/indicator 4.2.5"))

    shown = inprocess_bot.texts(MANAGER)[-1]
    assert f"Gerçekleşen: 5'ten az yanıt olduğu için gösterilmiyor (n={answers})" in shown
    assert "%100" not in shown and "%125" not in shown and "güven aralığı" not in shown
    assert "r-" not in shown  # no response listed one by one...
    assert "women_support-v3 · responses" in shown and "n<5" in shown  # ...only counted


# --- The command line ----------------------------------------------------------------------


async def test_indicators_on_the_command_line_hide_a_share_of_one_answer(db, cli) -> None:
    await seed(db, women=[(True, "tr")])

    code, table = await cli("indicators", "--year", str(YEAR))
    assert code == 0
    row = line_of(table, "4.2.5 ")
    assert "gizlendi" in row and "n=1" in row and "%100" not in row and "%125" not in row

    code, out = await cli("indicators", "--year", str(YEAR), "--json")
    women = next(row for row in json.loads(out)["indicators"] if row["code"] == "4.2.5")
    assert (women["actual"], women["achievement"], women["ci95"], women["n"]) == (None, None, None, 1)

    code, out = await cli("indicator", "4.2.5", "--year", str(YEAR))
    assert line_of(out, "Gerçekleşen:").startswith("Gerçekleşen: gizlendi") and "n=1" in out
    assert "r-" not in out and "women_support-v3 | responses" in out and "değer" not in line_of(out, "  women_support-v3")


async def test_open_data_publishes_no_share_of_one_answer(db, cli, tmp_path: Path) -> None:
    await seed(db, women=[(True, "tr")])

    code, _ = await cli("export", "opendata", "--year", str(YEAR), "--out", "opendata")

    assert code == 0
    with (tmp_path / "opendata" / f"hedef-4.2-{YEAR}.csv").open(encoding="utf-8") as handle:
        women = next(row for row in csv.DictReader(handle) if row["code"] == "4.2.5")
    assert (women["actual"], women["achievement_percent"], women["ci95_low"], women["n"]) == ("", "", "", "1")
    published = json.loads((tmp_path / "opendata" / f"hedef-4.2-{YEAR}.json").read_text(encoding="utf-8"))
    assert next(row for row in published if row["code"] == "4.2.5")["actual"] is None


async def test_the_report_as_text_json_and_workbook_hides_a_share_of_one_answer(db, cli, tmp_path: Path) -> None:
    await seed(db, women=[(True, "tr")])
    period = ("--from", TODAY.isoformat(), "--to", TODAY.isoformat(), "--year", str(YEAR))

    await cli("report", *period, "--format", "text", "--out", "week.txt")
    await cli("report", *period, "--format", "json", "--out", "week.json")
    await cli("report", *period, "--format", "xlsx", "--out", "week.xlsx")

    line = line_of((tmp_path / "week.txt").read_text(encoding="utf-8"), "4.2.5 ")
    assert "gizlendi (n=1)" in line and "%100" not in line and "%125" not in line
    document = json.loads((tmp_path / "week.json").read_text(encoding="utf-8"))
    women = next(row for row in document["indicators"] if row["code"] == "4.2.5")
    assert (women["actual"], women["achievement"], document["change"]["values"]["4.2.5"]) == (None, None, None)
    book = load_workbook(tmp_path / "week.xlsx")
    indicators = {row[0]: row for row in book["Göstergeler"].iter_rows(min_row=2, values_only=True)}
    assert indicators["4.2.5"][6:11] == (None, None, None, 0, 1)  # actual, change, achievement, contribution, n
    assert "5'ten az yanıt, oran gizlendi" in indicators["4.2.5"][14]
    drilled = [row for row in book["İnceleme"].iter_rows(min_row=2, values_only=True) if row[0] == "4.2.5"]
    assert [(row[1], row[2], row[7], row[8]) for row in drilled] == [("responses", "women_support-v3", None, "n<5")]


async def test_the_chart_shows_no_share_of_one_answer(db) -> None:
    await seed(db, women=[(True, "tr")])
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=TODAY, period_to=TODAY, year=YEAR,
                                           now=datetime.now(timezone.utc))

    texts = [artist.get_text() for artist in draw(report, "tr").findobj(Text)]

    row = next(index for index, text in enumerate(texts) if text.startswith("4.2.5 "))
    assert texts[row + 1] == "gizlendi (n=1)"  # the bar's label, not %125 of the plan
    assert not any(text.startswith("4.2.5 (n=") for text in texts)  # and no satisfaction point


# --- Groups beside a small one -------------------------------------------------------------


async def test_the_one_arabic_speaking_womans_answer_cannot_be_worked_out_from_the_total(db, cli, tmp_path: Path) -> None:
    """Six answers in Turkish and one in Arabic: the total (7) is shown; showing the Turkish
    share too would give the Arabic answer by subtraction, so both are hidden."""
    await seed(db, women=[(True, "tr")] * 6 + [(False, "ar")])

    code, out = await cli("indicator", "4.2.5", "--year", str(YEAR))
    assert code == 0 and "n=7" in out
    languages = out.split("Memnuniyet (dil):")[1].split("\n\n")[0]
    assert "ar: gizlendi (n<5)" in languages and "tr: gizlendi" in languages and "%" not in languages

    await cli("report", "--from", TODAY.isoformat(), "--to", TODAY.isoformat(), "--format", "xlsx", "--out", "week.xlsx")
    sheet = load_workbook(tmp_path / "week.xlsx")["Memnuniyet"]
    women = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "4.2.5"]
    assert women and all(row[4] is None and row[7] == "Evet" for row in women)
    assert {row[1]: row[3] for row in women} == {"Arapça": "<5", "Türkçe": "—"}


async def test_an_identified_surveys_small_centre_is_hidden_as_before_and_the_others_shown(db, cli) -> None:
    """Not anonymous: a centre under 5 answers is hidden, the others stay (no complementary
    suppression), and responses stay listed one by one, as every number is traced."""
    await seed(db, women=[], disability=[(True, "bornova-engelli")] * 6 + [(False, "buca-engelli")] * 2)

    code, out = await cli("indicator", "4.2.9", "--year", str(YEAR))

    centres_shown = out.split("Memnuniyet (merkez):")[1].split("\n\n")[0]
    assert "Bornova Engelli Hizmet Merkezi: %100,0 (n=6)" in centres_shown
    assert "Buca Engelli Hizmet Merkezi: gizlendi (n<5)" in centres_shown
    assert out.count("| response |") == 8
