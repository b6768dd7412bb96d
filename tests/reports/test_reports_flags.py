"""Every output shows the flags a manager must read beside a figure — small sample, hidden,
unknown baseline, coverage and why not — from one result model; changes say which days they
cover; every indicator's drill-down adds up to its actual by hand (flags_db_sample)."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from cli_support import seed_for_cli
from flags_db_sample import ACTUALS, YEAR, seed
from matplotlib.text import Text
from openpyxl import load_workbook

from bot.cli import main
from reports.render_png import draw
from reports.weekly import build_weekly_report

NOT_COVERED = [
    {"code": "4.2.1", "reasons": ["no_plan"]},
    {"code": "4.2.6", "reasons": ["no_plan", "no_data"]},
    {"code": "4.2.7", "reasons": ["no_data"]},
]
COVERED_WEIGHT = 100 - 15 - 7 - 7


@pytest.fixture
async def cli(db, monkeypatch, tmp_path, capsys):
    """`kentbot …` on the seeded database, run as from a shell; returns (exit code, stdout)."""
    await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)

    async def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(args))
        return code, capsys.readouterr().out

    run.db = db
    return run


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


async def test_the_indicators_command_flags_every_figure(cli) -> None:
    code, table = await cli("indicators", "--year", str(YEAR))
    assert code == 0
    assert "küçük örneklem" in line_of(table, "4.2.5 ") and "n=12" in line_of(table, "4.2.5 ")
    assert "küçük örneklem" not in line_of(table, "4.2.9 ")  # 57 answers in all
    assert "—" in line_of(table, "4.2.2 ") and "başlangıç —, 0 alındı" in line_of(table, "4.2.2 ")
    assert f"(kapsanan ağırlık {COVERED_WEIGHT}/100)" in line_of(table, "Verisi olan göstergelerde: ")
    excluded = line_of(table, "Hesaba katılamayan: ")
    assert "4.2.1 Tamamlanan gençlik merkezi (hedef değeri yok)" in excluded
    assert "4.2.6" in excluded and "(hedef değeri yok, veri yok)" in excluded and "4.2.7" in excluded
    assert "Buca Engelli Hizmet Merkezi (n=14)" in line_of(table, "Küçük örneklem (n<30) kırılımlar")

    code, out = await cli("indicators", "--year", str(YEAR), "--json")
    document = json.loads(out)
    assert document["covered_weight"] == COVERED_WEIGHT and document["not_covered"] == NOT_COVERED
    assert document["achievement_of_covered"] == pytest.approx(100 * document["achievement"] / COVERED_WEIGHT)
    rows = {row["code"]: row for row in document["indicators"]}
    assert (rows["4.2.5"]["n"], rows["4.2.5"]["small_sample"], rows["4.2.5"]["suppressed"]) == (12, True, False)
    assert rows["4.2.9"]["small_sample"] is False
    assert (rows["4.2.2"]["baseline"], rows["4.2.2"]["baseline_known"], rows["4.2.2"]["baseline_used"]) == (None, False, 0)
    assert rows["4.2.2"]["baseline_rule"] and rows["4.2.3"]["baseline_rule"] is None
    assert (rows["4.2.4"]["actual"], rows["4.2.4"]["covered"]) == (0, True)  # a cancelled event: known, 0
    assert (rows["4.2.7"]["actual"], rows["4.2.7"]["uncovered_reasons"]) == (None, ["no_data"])
    cells = {(cell["by"], cell["group"]): cell for cell in document["breakdowns"]}
    buca = cells[("centre", "Buca Engelli Hizmet Merkezi")]
    assert (buca["n"], buca["small_sample"], buca["suppressed"]) == (14, True, False)
    assert cells[("centre", "Bornova Engelli Hizmet Merkezi")]["small_sample"] is False
    konak = cells[("centre", "Konak Engelli Hizmet Merkezi")]
    assert (konak["n"], konak["share"], konak["suppressed"]) == (None, None, True)


async def test_the_drill_down_command_flags_cells_and_the_indicator(cli) -> None:
    code, out = await cli("indicator", "4.2.9", "--year", str(YEAR))
    assert code == 0
    assert "Buca Engelli Hizmet Merkezi: %71,4 (n=14) küçük örneklem" in out
    assert "Bornova Engelli Hizmet Merkezi: %75,0 (n=40)\n" in out
    _, out = await cli("indicator", "4.2.5", "--year", str(YEAR))
    assert "küçük örneklem" in line_of(out, "Uyarı: ")
    _, out = await cli("indicator", "4.2.2", "--year", str(YEAR))
    assert "Başlangıç: —" in out and "başlangıç —, 0 alındı" in line_of(out, "Uyarı: ")
    _, out = await cli("indicator", "4.2.7", "--year", str(YEAR))
    assert "hesaba katılmadı: veri yok" in line_of(out, "Uyarı: ")


def _contributions(out: str) -> tuple[float, int | None]:
    """Sum the `katkı` of every printed row: a count, or satisfied/answers for a survey."""
    satisfied, answers = 0.0, None
    for match in re.finditer(r"^  .*\| katkı (\d+(?:,\d+)?)(?:/(\d+))?$", out, re.MULTILINE):
        satisfied += float(match.group(1).replace(",", "."))
        if match.group(2) is not None:
            answers = (answers or 0) + int(match.group(2))
    return satisfied, answers


@pytest.mark.parametrize("code", list(ACTUALS))
async def test_every_drill_down_adds_up_to_its_actual(cli, code: str) -> None:
    status, out = await cli("indicator", code, "--year", str(YEAR))
    assert status == 0
    rows = [line for line in out.splitlines() if line.startswith("  ") and "| katkı " in line]
    assert "katkı gizli" not in out and not any("değer" in row for row in rows)
    summed, answers = _contributions(out)
    total = line_of(out, "Toplam katkı: ")
    expected = ACTUALS[code]
    if expected is None:
        assert rows == [] and total == "Toplam katkı: kayıt yok = Gerçekleşen: — (veri yok)"
    elif answers is not None:
        assert 100 * summed / answers == pytest.approx(expected)
        assert total.startswith(f"Toplam katkı: {summed:.0f}/{answers} = ")
    else:
        assert summed == expected and total.startswith(f"Toplam katkı: {expected} = Gerçekleşen: {expected}")
    if code == "4.2.8":  # people, not visits: 5 rows of one person each from 8 attendances
        assert len(rows) == 5 and all("first_attendance" in row for row in rows)
    if code == "4.2.2":  # each held event adds 1, whatever came; a headcount is said to be one
        assert any("sayım 25" in row and row.endswith("katkı 1") for row in rows)
        assert any("yoklama 3" in row and row.endswith("katkı 1") for row in rows)


async def test_the_report_files_flag_every_figure(cli, tmp_path: Path) -> None:
    period = ("report", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31")
    for fmt in ("text", "json", "xlsx"):
        code, _ = await cli(*period, "--format", fmt, "--out", f"year.{fmt}")
        assert code == 0

    text = (tmp_path / "year.text").read_text(encoding="utf-8")
    assert "• Küçük örneklem (n<30): 4.2.5 (n=12)" in text
    assert "Buca Engelli Hizmet Merkezi (n=14)" in line_of(text, "• Küçük örneklem (n<30) kırılımlar")
    assert "başlangıç —, 0 alındı" in line_of(text, "4.2.2 ")
    assert f"(kapsanan ağırlık {COVERED_WEIGHT}/100)" in text
    assert "4.2.7 Kadınlara yönelik etkinlik (veri yok)" in line_of(text, "Hesaba katılmayan: ")
    # A full-year report compares with the start of the year, and says so.
    assert "01.01.2027–31.12.2027 değişimi (yıl başına göre)" in line_of(text, "Göstergeler: ")
    assert "4.2.2 Çocuk-genç etkinlikleri: +2 |" in text

    document = json.loads((tmp_path / "year.json").read_text(encoding="utf-8"))
    assert document["not_covered"] == NOT_COVERED and document["covered_weight"] == COVERED_WEIGHT
    women = next(row for row in document["indicators"] if row["code"] == "4.2.5")
    assert women["small_sample"] and women["n"] == 12
    assert any(cell["group"] == "Buca Engelli Hizmet Merkezi" and cell["small_sample"] for cell in document["breakdowns"])
    assert document["change"]["compared_with"] is None and document["change"]["values"]["4.2.8"] == 5
    assert document["drilldown"]["4.2.8"] == {"rows": 5, "contribution": 5, "answers": None, "hidden_rows": 0}

    book = load_workbook(tmp_path / "year.xlsx")
    sheet = book["Göstergeler"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["4.2.5"]["Küçük örneklem (n<30)"] == "Evet" and rows["4.2.9"]["Küçük örneklem (n<30)"] == "Hayır"
    assert rows["4.2.2"]["Başlangıç"] is None and rows["4.2.2"]["Başlangıç girildi"] == "Hayır"
    assert "başlangıç bilinmiyor, 0 alındı" in rows["4.2.2"]["Notlar"]
    assert rows["4.2.6"]["Hesaba katılmama nedeni"] == "hedef değeri yok, veri yok"
    assert "01.01.2027–31.12.2027 değişimi (yıl başına göre)" in header
    satisfaction = {row[1]: row for row in book["Memnuniyet"].iter_rows(min_row=2, values_only=True)}
    assert satisfaction["Buca Engelli Hizmet Merkezi"][3] == 14 and satisfaction["Buca Engelli Hizmet Merkezi"][8] == "Evet"
    assert satisfaction["Konak Engelli Hizmet Merkezi"][7:9] == ("Evet", "Hayır")
    summary = {row[0]: row[1] for row in book["Özet"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["Kapsanan ağırlık"] == pytest.approx(COVERED_WEIGHT / 100)
    assert summary["Hesaba katılmama nedeni"] == "4.2.1: hedef değeri yok; 4.2.6: hedef değeri yok, veri yok; 4.2.7: veri yok"
    events = list(book["Etkinlikler"].iter_rows(min_row=2, values_only=True))
    counted = next(row for row in events if row[0] == datetime(YEAR, 11, 28))
    assert counted[6] == 25 and counted[8] == "sayım"  # a headcount is not "0 attended"
    drill = list(book["İnceleme"].iter_rows(min_row=2, values_only=True))
    people = [row for row in drill if row[0] == "4.2.8"]
    total = next(row for row in drill if row[0] == "4.2.8 toplam katkı")
    assert len(people) == 5 and sum(row[10] for row in people) == total[10] == 5


async def test_the_chart_flags_every_figure(cli) -> None:
    async with cli.db.sessions() as session:
        report = await build_weekly_report(session, period_from=date(YEAR, 1, 1), period_to=date(YEAR, 12, 31),
                                           year=YEAR, now=datetime(YEAR + 1, 1, 4, tzinfo=timezone.utc))
    texts = [t.get_text() for t in draw(report).findobj(Text)]
    joined = "\n".join(texts)
    assert "4.2.5 (n=12, küçük örneklem)" in texts
    assert "   Buca Engelli Hizmet Merkezi (n=14, küçük örneklem)" in texts
    assert "   Bornova Engelli Hizmet Merkezi (n=40)" in texts
    assert "başlangıç —, 0 alındı" in next(t for t in texts if t.startswith("%20"))  # 4.2.2: 2 of 10
    assert f"kapsanan ağırlık {COVERED_WEIGHT}/100" in joined
    assert "4.2.7 (veri yok)" in joined and "4.2.6 (hedef değeri yok, veri yok)" in joined
    assert "Dönem 01.01.2027–31.12.2027" in joined


async def test_open_data_carries_the_flags_and_the_covered_weight(cli, tmp_path: Path) -> None:
    code, _ = await cli("export", "opendata", "--year", str(YEAR), "--out", "open")
    assert code == 0
    with (tmp_path / "open" / f"hedef-4.2-{YEAR}.csv").open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    assert (rows["4.2.5"]["small_sample"], rows["4.2.5"]["n"]) == ("True", "12")
    assert (rows["4.2.2"]["baseline"], rows["4.2.2"]["baseline_known"]) == ("", "False")
    assert (rows["4.2.4"]["actual"], rows["4.2.7"]["actual"], rows["4.2.7"]["uncovered_reasons"]) == ("0.0", "", "no_data")
    published = json.loads((tmp_path / "open" / f"hedef-4.2-{YEAR}.json").read_text(encoding="utf-8"))
    assert next(row for row in published if row["code"] == "4.2.2")["baseline"] is None
    target = json.loads((tmp_path / "open" / f"hedef-4.2-{YEAR}-ozet.json").read_text(encoding="utf-8"))[0]
    assert target["covered_weight"] == COVERED_WEIGHT
    assert target["not_covered"] == "4.2.1 (no_plan); 4.2.6 (no_plan no_data); 4.2.7 (no_data)"
    assert target["achievement_of_covered_percent"] == pytest.approx(target["achievement_percent"] * 100 / COVERED_WEIGHT)


async def test_a_change_covers_the_stated_days_and_says_so(cli, tmp_path: Path) -> None:
    period = ("report", "--from", f"{YEAR}-11-30", "--to", f"{YEAR}-12-01")
    await cli(*period, "--format", "json", "--out", "short.json")
    await cli(*period, "--format", "text", "--out", "short.txt")
    await cli(*period, "--format", "xlsx", "--out", "short.xlsx")
    document = json.loads((tmp_path / "short.json").read_text(encoding="utf-8"))
    assert document["change"]["from"] == f"{YEAR}-11-30" and document["change"]["compared_with"] == f"{YEAR}-11-29"
    # The 28 November event is before the period; p5's first visit on 1 December is in it.
    assert document["change"]["values"]["4.2.2"] == 0 and document["change"]["values"]["4.2.8"] == 1
    text = (tmp_path / "short.txt").read_text(encoding="utf-8")
    assert "30.11.2027–01.12.2027 değişimi (29.11.2027 sonuna göre)" in line_of(text, "Göstergeler: ")
    assert "4.2.2 Çocuk-genç etkinlikleri: +0 |" in text
    drill = list(load_workbook(tmp_path / "short.xlsx")["İnceleme"].iter_rows(min_row=2, values_only=True))
    assert [row[10] for row in drill if row[0] == "4.2.8"] == [1]  # adds up to the change
