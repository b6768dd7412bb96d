"""`make demo`'s main job (`kentbot-demo`), small: the emulator, the real bot process and
simulated citizens who open the surveys from the links on the posters, then the indicators and
the report files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook


def test_a_small_demo_runs_end_to_end(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TELEGRAM_", "KENTBOT_"))}
    environment["KENTBOT_DATA_DIR"] = str(tmp_path / "data")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "devtools.demo", "--citizens", "8", "--seed", "3", "--out", str(out)],
        env=environment, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "8 simulated citizens (tr, en, ar) completed 10 surveys" in run.stdout
    assert "\x1b" not in run.stdout  # no progress bar in a pipe
    # Both surveys were reached through their poster links, the sensitive one by its neutral code.
    assert "4.2.5 Violence-prevention satisfaction: " in run.stdout and "4.2.9 Disability-centre satisfaction: " in run.stdout
    files = {path.suffix for path in out.iterdir()}
    assert files == {".txt", ".png", ".xlsx"}
    book = load_workbook(next(out.glob("*.xlsx")))
    assert book.sheetnames[0] == "Özet"
