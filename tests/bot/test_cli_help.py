"""The command line explains itself: every option has help, defaults are shown, the version is
known, and the ids other commands take can be listed."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.cli import _parser, main
from storage.centres import load_centres
from surveys.definition import load_shipped


def _parsers(parser: argparse.ArgumentParser, prefix: str = "kentbot") -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(prefix, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _parsers(sub, f"{prefix} {name}")
    return found


@pytest.mark.parametrize(("command", "parser"), _parsers(_parser()), ids=lambda value: value if isinstance(value, str) else "")
def test_every_option_and_command_has_help(command: str, parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        if isinstance(action, argparse._SubParsersAction):
            assert all(choice.help for choice in action._choices_actions), command
            continue
        assert action.help, f"{command}: {action.dest} has no help"


def test_help_shows_defaults(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["staff", "invite", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "how long the link stays valid (default: 72)" in " ".join(out.split())


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("kentbot ")


def test_centre_and_survey_lists_name_what_other_commands_take(capsys) -> None:
    assert main(["centre", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [centre.id for centre in load_centres()]
    assert "bornova-engelli\tdisability_centre\tBornova Engelli Hizmet Merkezi\tBornova\topen" in lines
    assert main(["survey", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(load_shipped())
    assert any(line.startswith("women_support\tversion ") and "\tlink degerlendirme\t" in line for line in lines)


@pytest.fixture
def database(sqlite_template, tmp_path, monkeypatch):
    path = tmp_path / "kentbot.sqlite3"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("KENTBOT_SECRET", "cli-secret-0123456789abcdef")
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path))
    with sqlite3.connect(path) as connection:
        for centre in ("konak-kadin", "buca-engelli"):
            connection.execute(
                "INSERT INTO centres (id, type, name_tr, name_en, district, active) VALUES (?, 'women_centre', 'K', 'K', 'Konak', 1)",
                (centre,),
            )
        # 21:30 UTC on 24 November is 00:30 on 25 November in İzmir.
        for title, centre, starts in (
            ("Gece yarısından sonra", "konak-kadin", datetime(2026, 11, 24, 21, 30, tzinfo=timezone.utc)),
            ("Başka merkez", "buca-engelli", datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)),
            ("Çok sonra", "konak-kadin", datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)),
        ):
            connection.execute(
                "INSERT INTO events (centre_id, type, title, starts_at, language, status, created_at) "
                "VALUES (?, 'women', ?, ?, 'tr', 'published', '2026-11-01 09:00:00+00:00')",
                (centre, title, starts.strftime("%Y-%m-%d %H:%M:%S.000000")),
            )
    return path


def test_event_list_prints_local_times_with_the_zone(database, capsys) -> None:
    assert main(["event", "list", "--from", "2026-11-25", "--to", "2026-11-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["2026-11-25 00:30 +03", "2026-11-26 12:00 +03"]
    assert main(["event", "list", "--from", "2026-11-25", "--to", "2026-11-30", "--centre", "buca-engelli"]) == 0
    assert [line.split("\t")[-1] for line in capsys.readouterr().out.splitlines()] == ["Başka merkez"]
    assert main(["event", "list", "--from", "2026-11-30", "--to", "2026-11-25"]) == 2


def test_staff_invite_and_audit_print_local_times(database, capsys) -> None:
    assert main(["staff", "invite", "--role", "manager", "--hours", "2", "--bot-username", "izmirbot"]) == 0
    until = capsys.readouterr().out.splitlines()[1]
    expected = (datetime.now(timezone.utc) + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Istanbul"))
    assert until.startswith(f"single use, valid until {expected:%Y-%m-%d} ") and until.endswith("+03 (Europe/Istanbul)")
    today = datetime.now(ZoneInfo("Europe/Istanbul")).date()
    assert main(["audit", "--since", today.isoformat()]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.split("\t")[0].endswith("+03:00")
