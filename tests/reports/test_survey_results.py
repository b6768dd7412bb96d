"""`kentbot results` and `kentbot export responses` through the real entry point, on a real
SQLite file and PostgreSQL, checked against the raw answers read with plain SQL."""

from __future__ import annotations

import csv
import json
import math
import os
import stat
from collections import Counter
from datetime import date
from io import BytesIO
from pathlib import Path

import pyreadstat
import pytest
from cli_support import seed_for_cli
from openpyxl import load_workbook
from results_db_sample import BORNOVA, BUCA, RESPONDENT_PREFIX, YEAR, seed
from sqlalchemy import select, text
from test_reports_cli import kentbot

from reports.results import survey_results
from storage.answered import ResponseAnswers
from storage.models import AuditEntry
from surveys.definition import load_shipped

CONDITIONS = {
    "carer_informed": lambda answers: answers.get("role") == "carer",
    "referral_timely": lambda answers: "referral" in (answers.get("support_types") or []),
}


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


async def raw_answers(db, survey_id: str, centre: str | None = None) -> list[dict]:
    """Each response of the year as {question: value}, read with plain SQL."""
    sql = (
        "SELECT r.id, a.question_id, CAST(a.value AS TEXT) FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
        "WHERE r.survey_id = :survey AND r.completed_on BETWEEN :first AND :last"
        + (" AND r.centre_id = :centre" if centre else "")
    )
    params = {"survey": survey_id, "first": date(YEAR, 1, 1), "last": date(YEAR, 12, 31)}
    if centre:
        params["centre"] = centre
    async with db.engine.connect() as connection:
        rows = (await connection.execute(text(sql), params)).all()
    responses: dict[int, dict] = {}
    for response_id, question_id, value in rows:
        answers = responses.setdefault(response_id, {})
        if question_id is not None:
            answers[question_id] = json.loads(value)
    return list(responses.values())


def wilson(successes: int, n: int) -> tuple[float, float]:
    z = 1.96  # the convention the reports state
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def check_question(question: dict, responses: list[dict], anonymous: bool) -> None:
    """Every figure of one question of the JSON output, recomputed from the raw answers."""
    qid = question["id"]
    asked = [a for a in responses if CONDITIONS.get(qid, lambda _: True)(a)]
    values = [a[qid] for a in asked if qid in a and a[qid] != "na"]
    not_applicable = sum(1 for a in asked if a.get(qid) == "na")
    n = len(values)
    # Skips and "does not apply" answers are counted apart, and in no n.
    assert question["skipped"]["hidden"] or question["skipped"]["count"] == len(asked) - n - not_applicable, qid
    if question["not_applicable"] is not None and not question["not_applicable"]["hidden"]:
        assert question["not_applicable"]["count"] == not_applicable, qid
    assert question["small_sample"] == (n < 30), qid
    if n < 5:
        assert question["suppressed"] and question["top2"] is None and question["cells"] == [], qid
        assert question["n"] == (None if anonymous else n), qid
        return
    assert question["n"] == n and not question["suppressed"], qid
    if question["type"] == "likert5":
        counts = Counter(values)
        top = counts[4] + counts[5]
        assert question["top2"]["successes"] == top and question["top2"]["n"] == n, qid
        assert question["top2"]["percent"] == pytest.approx(100 * top / n), qid
        assert question["top2"]["ci95"] == pytest.approx(list(wilson(top, n)), abs=1e-6), qid
        if question["mean"] is not None:
            assert question["mean"] == pytest.approx(sum(values) / n), qid
        keys = [str(point) for point in range(1, 6)]
    elif question["type"] == "multiple":
        counts = Counter(option for chosen in values for option in chosen)
        keys = [cell["key"] for cell in question["cells"]]
    else:
        counts = Counter(values)
        keys = [cell["key"] for cell in question["cells"]]
        if question["type"] == "yes_no" and question["yes"] is not None:
            assert question["yes"]["successes"] == counts["yes"] and question["yes"]["n"] == n, qid
            assert question["yes"]["ci95"] == pytest.approx(list(wilson(counts["yes"], n)), abs=1e-6), qid
    assert [cell["key"] for cell in question["cells"]] == keys, qid
    for cell in question["cells"]:
        count = counts[int(cell["key"]) if question["type"] == "likert5" else cell["key"]]
        if cell["hidden"]:
            assert cell["count"] is None and cell["share"] is None, (qid, cell["key"])
            # Hidden: a count from 1 to 4, or (anonymous) beside one.
            assert 0 < count < 5 or anonymous, (qid, cell["key"], count)
        else:
            assert not 0 < count < 5, (qid, cell["key"], count)
            assert cell["count"] == count and cell["share"] == pytest.approx(100 * count / n), (qid, cell["key"])


async def test_every_figure_of_results_is_the_raw_answers_recounted(seeded, tmp_path) -> None:
    for survey_id, centre in (("disability_centre", None), ("disability_centre", BUCA), ("women_support", None)):
        args = ["results", "--survey", survey_id, "--year", str(YEAR), "--json"] + (["--centre", centre] if centre else [])
        code, out, err = await kentbot(seeded, tmp_path, *args)
        assert code == 0, err
        document = json.loads(out)
        responses = await raw_answers(seeded, survey_id, centre)
        anonymous = survey_id == "women_support"
        assert document["responses"] == len(responses) and document["anonymous"] == anonymous
        shipped = [q.id for q in load_shipped()[survey_id].questions]
        assert [q["id"] for q in document["questions"]] == shipped
        for question in document["questions"]:
            check_question(question, responses, anonymous)
    # The conditional and the multiple-choice questions are there, and counted over those asked.
    code, out, _ = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", "--year", str(YEAR), "--json")
    questions = {q["id"]: q for q in json.loads(out)["questions"]}
    responses = await raw_answers(seeded, "disability_centre")
    carers = sum(1 for a in responses if a["role"] == "carer")
    assert 0 < carers < len(responses) and questions["carer_informed"]["n"] == carers
    assert questions["services"]["n"] == len(responses)
    # Two people answered "staff" with 1 in 2026: that cell is hidden, the small sample flagged.
    staff = {cell["key"]: cell for cell in questions["staff"]["cells"]}
    assert staff["1"]["hidden"] and staff["1"]["count"] is None
    assert questions["carer_informed"]["small_sample"] and not questions["overall"]["small_sample"]


async def test_the_text_table_hides_small_cells_and_compares_a_centre_with_the_city(seeded, tmp_path) -> None:
    code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", "--year", str(YEAR),
                                   "--centre", BORNOVA)
    assert code == 0, err
    assert "Hiç memnun değilim      gizlendi" in out and "Kent geneliyle fark" in out
    assert "rastlantı olabilir" in out and RESPONDENT_PREFIX not in out
    code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", "--year", str(YEAR),
                                   "--centre", BORNOVA, "--json")
    drivers = json.loads(out)["drivers"]
    assert {d["question_id"] for d in drivers} == {"carer_informed", "staff", "getting_there", "moving_inside", "toilets", "activities", "overall"}
    for driver in drivers:
        apart = driver["centre"]["ci95"][1] < driver["city"]["ci95"][0] or driver["city"]["ci95"][1] < driver["centre"]["ci95"][0]
        assert driver["real"] == apart
        assert driver["difference"] == pytest.approx(driver["centre"]["percent"] - driver["city"]["percent"])
    assert [abs(d["difference"]) for d in drivers] == sorted((abs(d["difference"]) for d in drivers), reverse=True)
    code, _, err = await kentbot(seeded, tmp_path, "results", "--survey", "nope", "--year", str(YEAR))
    assert code == 2 and err.count("\n") == 1 and "unknown survey 'nope'" in err
    code, _, err = await kentbot(seeded, tmp_path, "results", "--survey", "women_support", "--year", str(YEAR), "--centre", "x")
    assert code == 2 and "unknown centre 'x'" in err


def test_an_anonymous_survey_of_fewer_than_five_responses_shows_nothing() -> None:
    women = load_shipped()["women_support"]
    rows = [ResponseAnswers(2, None, date(2026, 5, day), "2026-05", {"overall": 5, "support_types": ["legal"]})
            for day in (1, 2, 3, 4)]
    shown = survey_results(women, {}, rows, first=date(2026, 5, 1), last=date(2026, 5, 31))
    assert shown.suppressed and shown.responses is None and shown.questions == ()
    shown = survey_results(women, {}, [*rows, rows[0]], first=date(2026, 5, 1), last=date(2026, 5, 31))
    overall = next(q for q in shown.questions if q.id == "overall")
    assert shown.responses == 5 and overall.top2 is not None and overall.top2.percent == 100
    # An identified survey's question with 4 answers keeps its n, but no figure.
    disability = load_shipped()["disability_centre"]
    rows = [ResponseAnswers(2, BUCA, date(2026, 5, day), "2026-Q2", {"overall": 4}) for day in (1, 2, 3, 4)]
    overall = next(q for q in survey_results(disability, {}, rows, first=date(2026, 5, 1), last=date(2026, 5, 31)).questions
                   if q.id == "overall")
    assert overall.suppressed and overall.n == 4 and overall.top2 is None and overall.mean is None


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_exports_have_one_row_per_response_labels_a_codebook_and_no_key(seeded, tmp_path) -> None:
    responses = await raw_answers(seeded, "disability_centre")
    args = ("export", "responses", "--survey", "disability_centre", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31")
    (tmp_path / "out").mkdir()
    for fmt in ("csv", "xlsx", "sav"):
        code, out, err = await kentbot(seeded, tmp_path, *args, "--format", fmt, "--out", f"out/d.{fmt}")
        assert code == 0, err
        assert mode(tmp_path / f"out/d.{fmt}") == 0o600
    with open(tmp_path / "out/d.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(responses)
    assert [r["row.number"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert not any("key" in name or name in ("id", "response_id") for name in rows[0])
    carers = [r for r in rows if r["role"] == "3"]
    assert all(r["carer_informed"] in ("0", "1") for r in carers)
    assert all(r["carer_informed"] == "" for r in rows if r["role"] in ("1", "2"))
    chosen = Counter(option for a in responses for option in a["services"])
    assert {o: sum(r[f"services.{o}"] == "1" for r in rows) for o in chosen} == dict(chosen)
    with open(tmp_path / "out/d-codebook.csv", encoding="utf-8") as file:
        codebook = list(csv.DictReader(file))
    carer = next(r for r in codebook if r["variable"] == "carer_informed")
    assert carer["condition"] == "${role} == 'carer'" and carer["codes_en"] == "1=Yes; 0=No"
    assert next(r for r in codebook if r["variable"] == "staff")["codes_tr"].startswith("1=Hiç memnun değilim")
    assert mode(tmp_path / "out/d-codebook.csv") == 0o600
    book = load_workbook(BytesIO((tmp_path / "out/d.xlsx").read_bytes()))
    data = list(book["Yanıtlar"].iter_rows(values_only=True))
    assert len(data) == len(responses) + 1 and data[0][:4] == ("row.number", "survey.version", "response.centre", "response.day")
    assert book["Kod kitabı"]["A1"].value == "variable"
    frame, meta = pyreadstat.read_sav(str(tmp_path / "out/d.sav"))
    assert len(frame) == len(responses)
    assert meta.variable_value_labels["staff"][4] == "Memnunum / Satisfied"
    assert meta.variable_value_labels["role"][3].endswith("/ A family member or carer of the person who uses the centre")
    assert meta.variable_value_labels["services.transport"] == {1: "Seçildi / Chosen", 0: "Seçilmedi / Not chosen"}
    assert meta.column_names_to_labels["overall"].startswith("Genel olarak merkezin")
    assert Counter(frame["overall"].astype(int)) == Counter(a["overall"] for a in responses)
    for path in (tmp_path / "out").iterdir():
        content = path.read_bytes()
        assert RESPONDENT_PREFIX.encode() not in content
    async with seeded.sessions() as session:
        ids = (await session.execute(text("SELECT id FROM responses"))).scalars().all()
        audits = (await session.execute(select(AuditEntry).where(AuditEntry.action == "export.responses"))).scalars().all()
    for path in (tmp_path / "out").glob("*.csv"):
        content = path.read_text(encoding="utf-8")
        assert not any(str(i) in content for i in ids)
    assert [a.after["format"] for a in audits] == ["csv", "xlsx", "sav"]
    assert all(a.object_id == "disability_centre" and a.after["rows"] == len(responses) for a in audits)


async def test_an_anonymous_export_under_five_responses_is_refused(seeded, tmp_path) -> None:
    args = ("export", "responses", "--survey", "women_support", "--format", "csv")
    code, _, err = await kentbot(seeded, tmp_path, *args, "--from", f"{YEAR}-05-01", "--to", f"{YEAR}-05-31", "--out", "w.csv")
    assert code == 2 and err.count("\n") == 1 and "refused" in err and not (tmp_path / "w.csv").exists()
    code, _, err = await kentbot(seeded, tmp_path, *args, "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31", "--out", "w.csv")
    assert code == 0, err
    with open(tmp_path / "w.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    # The period, never the day; the rows in no order of time.
    assert len(rows) == 15 and "response.day" not in rows[0] and {r["response.period"] for r in rows} == {"2026-03", "2026-05"}
    async with seeded.sessions() as session:
        audits = (await session.execute(select(AuditEntry).where(AuditEntry.action == "export.responses"))).scalars().all()
    assert len(audits) == 1
