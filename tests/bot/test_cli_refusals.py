"""The command line refuses a mistake in one line naming the fix, with exit code 2, before it
touches anything: no folder is created for a mistyped output path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from storage.centres import shipped_by_id

WRITERS = [
    ["report", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "{out}"],
    ["backup", "--out", "{out}"],
    ["export", "opendata", "--year", "2026", "--out", "{out}"],
    ["export", "responses", "--survey", "women_support", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv", "--out", "{out}"],
    ["results", "--survey", "women_support", "--year", "2026", "--chart", "{out}"],
    ["event", "qr", "1", "--bot-username", "izmirbot", "--out", "{out}"],
    ["survey", "link", "women_support", "--bot-username", "izmirbot", "--qr", "{out}"],
]


def refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kentbot: "), lines
    return lines[0]


@pytest.mark.parametrize("command", WRITERS, ids=lambda command: " ".join(command[:2]))
def test_an_output_in_a_missing_folder_is_refused_and_not_created(tmp_path: Path, capsys, command: list[str]) -> None:
    missing = tmp_path / "no" / "such"
    line = refusal(capsys, [part.format(out=missing / "out.file") for part in command])
    assert f"the folder {missing} does not exist" in line
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "kentbot: the following arguments are required: COMMAND (see `kentbot --help`)"),
        (["--nope"], "kentbot: the following arguments are required: COMMAND (see `kentbot --help`)"),
        (["report", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "r.txt", "--nope"],
         "kentbot: report: unrecognized arguments: --nope (see `kentbot report --help`)"),
        (["db", "upgrade", "extra"], "kentbot: db upgrade: unrecognized arguments: extra (see `kentbot db upgrade --help`)"),
        (["backup"], "kentbot: backup: the following arguments are required: --out (see `kentbot backup --help`)"),
    ],
)
def test_a_usage_mistake_names_the_command_once_and_its_own_help(capsys, argv: list[str], says: str) -> None:
    assert refusal(capsys, argv) == says


def test_backup_over_an_existing_file_is_a_refusal(tmp_path: Path, capsys, monkeypatch) -> None:
    database, existing = tmp_path / "kentbot.sqlite3", tmp_path / "kept.sqlite3"
    database.write_bytes(b"")
    existing.write_bytes(b"an earlier backup")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KENTBOT_SECRET", "cli-secret-0123456789abcdef")
    assert main(["backup", "--out", str(existing)]) == 2
    assert f"kentbot: {existing} exists" in capsys.readouterr().err
    assert existing.read_bytes() == b"an earlier backup"


def test_walkins_at_an_unknown_centre_is_refused_with_the_known_ones(sqlite_template, tmp_path: Path, capsys, monkeypatch) -> None:
    database = tmp_path / "kentbot.sqlite3"
    shutil.copy(sqlite_template, database)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KENTBOT_SECRET", "cli-secret-0123456789abcdef")
    assert main(["attendance", "walkins", "--centre", "nowhere", "--name", "Ayşe Yılmaz"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("kentbot: attendance walkins: unknown centre 'nowhere'; known: ")
    assert all(centre in line for centre in shipped_by_id())


@pytest.mark.parametrize("command", [["survey", "list"], ["survey", "validate"]])
def test_a_missing_surveys_folder_is_said_so(tmp_path: Path, capsys, monkeypatch, command: list[str]) -> None:
    missing = tmp_path / "anketler"
    monkeypatch.setenv("KENTBOT_SURVEYS_DIR", str(missing))
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"kentbot: KENTBOT_SURVEYS_DIR: the folder {missing} does not exist"]
