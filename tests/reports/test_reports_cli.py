"""The `kentbot` report commands, run through the real entry point (in a worker thread, with
its own event loop, as from a shell) against the seeded database."""

from __future__ import annotations

import csv
import json
from io import BytesIO

import pytest
from cli_support import kentbot, seed_for_cli
from openpyxl import load_workbook
from reports_db_sample import ACHIEVEMENTS, ACTUALS, CI_4_2_9, PLAN, TARGET, WEIGHTS, YEAR, seed
from sqlalchemy import select

from storage.models import AuditEntry, PlanValue


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


async def test_indicators_json_matches_the_hand_computed_year(seeded, tmp_path) -> None:
    code, out, err = await kentbot(seeded, tmp_path, "indicators", "--year", str(YEAR), "--json")
    assert code == 0, err
    document = json.loads(out)
    assert set(document) == {"target", "year", "achievement", "achievement_of_covered", "covered_weight",
                             "not_covered", "indicators", "breakdowns"}
    assert document["covered_weight"] == 93 and document["not_covered"] == [{"code": "4.2.6", "reasons": ["no_plan", "no_data"]}]
    assert document["achievement_of_covered"] == pytest.approx(100 * TARGET * 100 / 93)
    assert (document["target"], document["year"]) == ("4.2", YEAR)
    assert document["achievement"] == pytest.approx(100 * TARGET)
    rows = {row["code"]: row for row in document["indicators"]}
    assert list(rows) == list(WEIGHTS)
    for code_, row in rows.items():
        assert {"code", "unit", "weight", "planned", "baseline", "actual", "achievement", "n", "ci95", "small_sample",
                "suppressed", "baseline_known", "covered", "uncovered_reasons"} <= set(row)
        assert row["weight"] == WEIGHTS[code_]
        assert row["actual"] == (None if ACTUALS[code_] is None else pytest.approx(ACTUALS[code_]))
        expected = ACHIEVEMENTS[code_]
        assert row["achievement"] == (None if expected is None else pytest.approx(100 * expected))
        planned, baseline = PLAN.get(code_, (None, None))  # 4.2.6's baseline was never set: unknown
        assert (row["planned"], row["baseline"]) == (planned, baseline)
    assert rows["4.2.9"]["n"] == 9 and rows["4.2.5"]["n"] == 9
    assert rows["4.2.9"]["ci95"] == pytest.approx(list(CI_4_2_9), abs=0.01)
    assert rows["4.2.8"]["n"] is None and rows["4.2.8"]["ci95"] is None


async def test_indicators_table_is_readable(seeded, tmp_path) -> None:
    code, out, _ = await kentbot(seeded, tmp_path, "indicators", "--year", str(YEAR))
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("4.2.9 "))
    assert "%66,7" in line and "n=9" in line
    assert f"Hedef gerçekleşmesi: %{100 * TARGET:.1f}".replace(".", ",") in out


async def test_indicator_drill_down_in_the_terminal(seeded, tmp_path) -> None:
    code, out, _ = await kentbot(seeded, tmp_path, "indicator", "4.2.3", "--year", str(YEAR))
    assert code == 0
    assert "3 kayıt" in out and "replaced" in out and "Ayşe Yılmaz (17.11.2026 16:45)" in out
    code, out, _ = await kentbot(seeded, tmp_path, "indicator", "4.2.5", "--year", str(YEAR))
    assert "respondent-secret" not in out and "sürüm 1" in out
    code, _, err = await kentbot(seeded, tmp_path, "indicator", "4.2.99", "--year", str(YEAR))
    assert code == 2 and "unknown indicator '4.2.99'" in err


async def test_plan_set_is_audited_and_validated(seeded, tmp_path) -> None:
    code, out, err = await kentbot(seeded, tmp_path, "plan", "set", "4.2.8", "--year", str(YEAR), "--planned", "16")
    assert code == 0, err
    code, _, err = await kentbot(seeded, tmp_path, "plan", "set", "4.2.9", "--year", str(YEAR), "--planned", "120")
    assert code == 2 and "outside 0..100" in err
    code, _, err = await kentbot(seeded, tmp_path, "plan", "set", "9.9.9", "--year", str(YEAR), "--planned", "1")
    assert code == 2 and "unknown indicator" in err
    async with seeded.sessions() as session:
        values = (await session.execute(select(PlanValue).where(PlanValue.indicator_code == "4.2.8"))).scalars().all()
        audits = (await session.execute(select(AuditEntry).where(AuditEntry.object_id == f"4.2.8/{YEAR}"))).scalars().all()
    assert [(v.planned, v.baseline) for v in values] == [(8, 0), (16, 0)]  # history kept, baseline carried over
    assert audits[-1].before == {"planned": 8, "baseline": 0} and audits[-1].after == {"planned": 16, "baseline": 0}
    assert audits[-1].actor.startswith("cli:")
    _, out, _ = await kentbot(seeded, tmp_path, "indicators", "--year", str(YEAR), "--json")
    row = next(r for r in json.loads(out)["indicators"] if r["code"] == "4.2.8")
    assert row["achievement"] == pytest.approx(25.0)


async def test_report_files_and_bad_dates(seeded, tmp_path) -> None:
    args = ("report", "--from", "2026-11-16", "--to", "2026-11-22")
    (tmp_path / "out").mkdir()
    code, _, err = await kentbot(seeded, tmp_path, *args, "--format", "xlsx", "--out", "out/w47.xlsx")
    assert code == 0, err
    book = load_workbook(BytesIO((tmp_path / "out/w47.xlsx").read_bytes()))
    sheet = book["Göstergeler"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "4.2.8")
    assert row[6] == 4 and row[7] == 3
    code, _, _ = await kentbot(seeded, tmp_path, *args, "--format", "json", "--out", "out/w47.json")
    document = json.loads((tmp_path / "out/w47.json").read_text())
    # Up to 22 November the 31 December event has not happened: 4.2.2 is 2 of 10, not 3.
    assert document["change"] == {"from": "2026-11-16", "to": "2026-11-22", "compared_with": "2026-11-15",
                                  "values": document["change"]["values"]}
    assert document["change"]["values"]["4.2.3"] == 20
    assert document["achievement"] == pytest.approx(100 * TARGET - 7 * (0.3 - 0.2))
    code, _, _ = await kentbot(seeded, tmp_path, *args, "--format", "png", "--out", "out/w47.png")
    assert (tmp_path / "out/w47.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    code, _, err = await kentbot(seeded, tmp_path, "report", "--from", "2026-11-22", "--to", "2026-11-16",
                                 "--format", "text", "--out", "out/x.txt")
    assert code == 2 and "after it ends" in err and not (tmp_path / "out/x.txt").exists()
    code, _, err = await kentbot(seeded, tmp_path, "report", "--from", "22.11.2026", "--to", "2026-11-16",
                                 "--format", "text", "--out", "out/x.txt")
    assert code == 2 and "not a date" in err


async def test_open_data_has_figures_and_nothing_personal(seeded, tmp_path) -> None:
    code, _, err = await kentbot(seeded, tmp_path, "export", "opendata", "--year", str(YEAR), "--out", "open")
    assert code == 0, err
    with (tmp_path / "open" / f"hedef-4.2-{YEAR}.csv").open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    assert float(rows["4.2.8"]["actual"]) == 4 and rows["4.2.9"]["n"] == "9"
    assert rows["4.2.6"]["actual"] == ""
    everything = (tmp_path / "open" / f"hedef-4.2-{YEAR}.json").read_text() + str(rows)
    for private in ("respondent-secret", "Ayşe", "Üye 1", "identity-", "özel yorum", "Kişi"):
        assert private not in everything
    assert json.loads((tmp_path / "open" / f"hedef-4.2-{YEAR}.json").read_text())[2]["actual"] == 60
