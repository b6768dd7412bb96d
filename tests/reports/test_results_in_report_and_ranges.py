"""The per-question results and drivers in `kentbot report --format json`, and `kentbot results`
for a range of days, recounted from the raw answers on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cli_support import seed_for_cli
from raw_results import raw_by_centre
from results_db_sample import BORNOVA, BUCA, YEAR, seed
from test_reports_cli import kentbot
from test_survey_results import check_question

from surveys.definition import load_shipped


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


async def test_the_json_report_carries_every_surveys_results_and_drivers(seeded, tmp_path) -> None:
    out = tmp_path / "rapor.json"
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    code, _, err = await kentbot(seeded, tmp_path, "report", "--from", first.isoformat(), "--to", last.isoformat(),
                                 "--format", "json", "--out", str(out))
    assert code == 0, err
    sections = {section["survey_id"]: section for section in json.loads(out.read_text(encoding="utf-8"))["results"]}
    assert set(sections) == set(load_shipped())
    for survey_id, section in sections.items():
        anonymous = survey_id == "women_support"
        raw = await raw_by_centre(seeded, survey_id, first, last)
        everyone = [answers for group in raw.values() for answers in group]
        assert section["responses"] == len(everyone) and section["anonymous"] == anonymous
        assert (section["first"], section["last"], section["centre"]) == (first.isoformat(), last.isoformat(), None)
        for question in section["questions"]:
            check_question(question, everyone, anonymous)
        if anonymous:
            # No centre is asked, so there is no breakdown to show and no driver.
            assert section["centres"] == [] and section["drivers"] == []
            continue
        assert [centre["centre"] for centre in section["centres"]] == [BORNOVA, BUCA]
        city = {q["id"]: q for q in section["questions"]}
        for centre in section["centres"]:
            for question in centre["questions"]:
                check_question(question, raw[centre["centre"]], anonymous)
            assert centre["drivers"], centre["centre"]
            for driver in centre["drivers"]:
                shown = next(q for q in centre["questions"] if q["id"] == driver["question_id"])
                whole = city[driver["question_id"]]
                assert driver["centre"] == (shown["top2"] or shown["yes"])
                assert driver["city"] == (whole["top2"] or whole["yes"])
                apart = (driver["centre"]["ci95"][1] < driver["city"]["ci95"][0]
                         or driver["city"]["ci95"][1] < driver["centre"]["ci95"][0])
                assert driver["real"] == apart
                assert driver["difference"] == pytest.approx(driver["centre"]["percent"] - driver["city"]["percent"])


async def test_a_range_of_days_is_recounted_from_the_raw_answers(seeded, tmp_path) -> None:
    first, last = date(YEAR, 3, 1), date(YEAR, 4, 30)
    for survey_id, centre in (("disability_centre", None), ("disability_centre", BORNOVA), ("women_support", None)):
        code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", survey_id, "--from", first.isoformat(),
                                       "--to", last.isoformat(), "--json", *(["--centre", centre] if centre else []))
        assert code == 0, err
        document = json.loads(out)
        assert (document["first"], document["last"]) == (first.isoformat(), last.isoformat())
        raw = await raw_by_centre(seeded, survey_id, first, last)
        responses = raw[centre] if centre else [answers for group in raw.values() for answers in group]
        year = await raw_by_centre(seeded, survey_id, date(YEAR, 1, 1), date(YEAR, 12, 31))
        assert 0 < len(responses) < sum(len(group) for group in year.values())
        assert document["responses"] == len(responses)
        for question in document["questions"]:
            check_question(question, responses, survey_id == "women_support")


@pytest.mark.parametrize(
    "period",
    [
        ("--year", str(YEAR), "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-03-31"),
        ("--from", f"{YEAR}-01-01"),
        ("--to", f"{YEAR}-01-01"),
        (),
    ],
)
async def test_a_year_or_a_range_but_not_both_nor_half_a_range(seeded, tmp_path, period) -> None:
    chart = tmp_path / "grafik.png"
    code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", *period,
                                   "--chart", str(chart))
    assert code == 2 and out == "" and not chart.exists()
    assert err == "kentbot: give either --year YYYY or both --from YYYY-MM-DD and --to YYYY-MM-DD\n"


async def test_a_range_that_ends_before_it_starts_is_refused(seeded, tmp_path) -> None:
    code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre",
                                   "--from", f"{YEAR}-05-01", "--to", f"{YEAR}-04-30")
    assert code == 2 and out == ""
    assert err == f"kentbot: the period starts ({YEAR}-05-01) after it ends ({YEAR}-04-30)\n"


async def test_a_chart_into_a_missing_folder_is_refused_before_anything_is_read(seeded, tmp_path) -> None:
    chart = tmp_path / "yok" / "grafik.png"
    code, out, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", "--year", str(YEAR),
                                   "--chart", str(chart))
    assert code == 2 and out == "" and not chart.parent.exists()
    assert err == (f"kentbot: results: argument --chart: the folder {chart.parent} does not exist: create it first or"
                   " fix the path (see `kentbot results --help`)\n")
