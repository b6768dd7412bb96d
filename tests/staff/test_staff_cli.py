"""`kentbot staff`, `kentbot entry`, `kentbot event qr` and `kentbot audit` on a real database file."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.cli import main

SECRET = "cli-secret-0123456789abcdef"


@pytest.fixture
def database(sqlite_template, tmp_path, monkeypatch):
    path = tmp_path / "kentbot.sqlite3"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("KENTBOT_SECRET", SECRET)
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path))
    return path


def test_invite_list_revoke_and_the_audit_trail(database, capsys) -> None:
    assert main(["staff", "invite", "--role", "staff", "--bot-username", "izmirbot"]) == 1
    assert "needs --centre" in capsys.readouterr().err
    assert main(["staff", "invite", "--role", "staff", "--centre", "nowhere", "--bot-username", "izmirbot"]) == 1
    assert main(["staff", "invite", "--role", "staff", "--centre", "konak-kadin", "--hours", "2", "--bot-username", "@izmirbot"]) == 0
    link = capsys.readouterr().out.splitlines()[0]
    assert link.startswith("https://t.me/izmirbot?start=inv_")
    code = link.split("inv_", 1)[1]
    with sqlite3.connect(database) as connection:
        stored = [row[0] for row in connection.execute("SELECT code_hash FROM invites")]
        connection.execute(
            "INSERT INTO staff_members (telegram_user_id, display_name, role, language, active, created_at, menu_shown) "
            "VALUES (55, 'Deniz', 'staff', 'tr', 1, '2026-11-25 09:00:00+00:00', 1)"
        )
    assert code not in stored and len(stored) == 1
    assert main(["staff", "list"]) == 0
    assert "staff\tactive\t-\tDeniz" in capsys.readouterr().out
    assert main(["staff", "revoke", "1"]) == 0
    assert main(["staff", "revoke", "1"]) == 1
    assert "already revoked" in capsys.readouterr().err
    today = datetime.now(timezone.utc).date()
    assert main(["audit", "--since", (today - timedelta(days=1)).isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[2] for line in lines] == ["staff.invite", "staff.revoke"]
    assert main(["audit", "--since", (today + timedelta(days=2)).isoformat()]) == 0
    assert capsys.readouterr().out == ""


def test_a_members_centres_are_given_and_taken_from_the_command_line(database, capsys) -> None:
    with sqlite3.connect(database) as connection:
        for telegram_id, active in ((56, 1), (57, 0)):
            connection.execute(
                "INSERT INTO staff_members (telegram_user_id, display_name, role, language, active, created_at, menu_shown) "
                f"VALUES ({telegram_id}, 'Deniz', 'staff', 'tr', {active}, '2026-11-25 09:00:00+00:00', 1)"
            )
    assert main(["staff", "add-centre", "1", "konak-kadin"]) == 0
    assert main(["staff", "add-centre", "1", "buca-engelli"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "staff member 1 now acts for: buca-engelli, konak-kadin"
    refused = {
        ("add-centre", "1", "nowhere"): "unknown or closed centre 'nowhere'",
        ("add-centre", "1", "konak-kadin"): "already has centre 'konak-kadin'",
        ("add-centre", "2", "konak-kadin"): "staff member 2 is revoked",
        ("add-centre", "9", "konak-kadin"): "there is no staff member 9",
        ("remove-centre", "1", "bornova-engelli"): "does not have centre 'bornova-engelli'",
    }
    for args, message in refused.items():
        assert main(["staff", *args]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, (args, err)
    assert main(["staff", "remove-centre", "1", "buca-engelli"]) == 0
    assert main(["staff", "remove-centre", "1", "konak-kadin"]) == 1
    assert "last of staff member 1" in capsys.readouterr().err
    assert main(["staff", "list"]) == 0
    assert "1\tstaff\tactive\tkonak-kadin\tDeniz" in capsys.readouterr().out
    with sqlite3.connect(database) as connection:
        audited = connection.execute("SELECT action, actor, object_id FROM audit_log ORDER BY id").fetchall()
    assert [(action, object_id) for action, _, object_id in audited] == [
        ("staff.centre.add", "1"), ("staff.centre.add", "1"), ("staff.centre.remove", "1")]
    assert all(actor.startswith("cli:") for _, actor, _ in audited)


def test_milestones_and_corrections_from_the_command_line(database, capsys) -> None:
    assert main(["entry", "milestone", "--code", "4.2.1", "--centre", "torbali-genclik", "--on", "2026-11-02", "--note", "geçici kabul 12/2026"]) == 0
    assert main(["entry", "milestone", "--code", "4.2.1", "--centre", "torbali-genclik", "--on", "2026-11-03", "--note", "x"]) == 2
    assert "This entry already exists for this centre." in capsys.readouterr().err
    assert main(["entry", "correct", "1", "--quantity", "1", "--on", "2026-11-05", "--reason", "tutanak tarihi"]) == 0
    assert main(["entry", "correct", "1", "--quantity", "0", "--reason", "ikinci"]) == 2
    capsys.readouterr()
    tomorrow = (datetime.now(ZoneInfo("Europe/Istanbul")).date() + timedelta(days=1)).isoformat()
    assert main(["entry", "correct", "2", "--quantity", "1", "--on", tomorrow, "--reason", "yarın"]) == 2
    assert "Entries cannot be made for a future date." in capsys.readouterr().err
    assert main(["entry", "list", "--code", "4.2.1"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 1 and rows[0].startswith("2\t4.2.1\ttorbali-genclik\t2026-11-05\t1\t") and "corrects 1: tutanak tarihi" in rows[0]
    with pytest.raises(SystemExit):
        main(["entry", "milestone", "--code", "4.2.1", "--centre", "torbali-genclik", "--on", "02.11.2026", "--note", "x"])


def test_event_qr_writes_a_png_with_the_check_in_link(database, tmp_path, capsys) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO centres (id, type, name_tr, name_en, district, active) VALUES ('konak-kadin', 'women_centre', 'K', 'K', 'Konak', 1)"
        )
        connection.execute(
            "INSERT INTO events (centre_id, type, title, starts_at, language, status, created_at) VALUES "
            "('konak-kadin', 'women', 'Atölye', '2026-11-28 11:00:00+00:00', 'tr', 'published', '2026-11-25 09:00:00+00:00')"
        )
    out = tmp_path / "qr.png"
    assert main(["event", "qr", "2", "--bot-username", "izmirbot", "--out", str(out)]) == 1
    assert main(["event", "qr", "1", "--bot-username", "izmirbot", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "https://t.me/izmirbot?start=chk_1_" in printed and "28.11.2026 14:00" in printed
    with Image.open(out) as image:
        assert image.size[0] > 100
