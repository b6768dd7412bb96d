"""`make demo`'s main job (`kentbot-demo`), small: the emulator, the real bot process and
simulated citizens who open the surveys from the links on the posters, then the indicators and
the report files, all said in one language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from devtools.demo.words import HEADINGS, LANGS, WORDS
from reports.labels import label


def demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TELEGRAM_", "KENTBOT_"))}
    environment["KENTBOT_DATA_DIR"] = str(tmp_path / "data")
    run = subprocess.run(
        [sys.executable, "-m", "devtools.demo", "--seed", "3", "--out", str(tmp_path / "out"), *args],
        env=environment, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


def headings(lang: str) -> list[str]:
    """What each step's heading and the table's header say in `lang`: the longest words between values."""
    texts = [WORDS[lang][key] for key in HEADINGS] + [label(key, lang) for key in ("table_indicator", "table_notes")]
    return [max((part.strip() for part in re.split(r"\{[^}]*\}", text)), key=len) for text in texts]


def assert_one_language(output: str, lang: str) -> None:
    for heading in headings(lang):
        assert heading in output, (heading, output[:2000])
    for other in LANGS:
        if other != lang:
            assert [h for h in headings(other) if h in output] == [], other


def test_a_small_demo_runs_end_to_end_in_english(tmp_path: Path) -> None:
    run = demo(tmp_path, "--citizens", "8", "--lang", "en")
    assert "8 simulated citizens (tr, en, ar) completed 10 surveys" in run.stdout
    assert "\x1b" not in run.stdout  # no progress bar in a pipe
    # Both surveys were reached through their poster links, the sensitive one by its neutral code.
    assert "4.2.5 Violence-prevention satisfaction: " in run.stdout and "4.2.9 Disability-centre satisfaction: " in run.stdout
    assert_one_language(run.stdout, "en")
    out = tmp_path / "out"
    files = {path.suffix for path in out.iterdir()}
    assert files == {".txt", ".png", ".xlsx"}
    # Every file written is named in the run's language, the item chart of each survey too.
    for chart in out.glob("*-maddeler-*.png"):
        survey = chart.stem.rpartition("-maddeler-")[2]
        assert f"item scores chart, {survey} (PNG): {chart}" in run.stdout
    assert len(list(out.glob("*-maddeler-*.png"))) == 2
    book = load_workbook(next(out.glob("*.xlsx")))
    assert book.sheetnames[0] == "Summary"


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_the_demo_speaks_one_language_turkish_by_default(tmp_path: Path, lang: str) -> None:
    run = demo(tmp_path, "--citizens", "1", *(["--lang", lang] if lang != "tr" else []))
    assert_one_language(run.stdout, lang)
    report = next((tmp_path / "out").glob("*.txt")).read_text(encoding="utf-8")
    assert report.startswith(label("title", lang))
