"""`kentbot attendance walkins|merge-walkin|unmerge-walkin` on a real database file: the ids
to merge are listed without any Telegram id, the merge and its undo change who 4.2.8 counts,
both are audited, and bad input ends in one line and exit code 2."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import main
from services import attendance, events, registrations
from services.roles import Actor
from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.models import Person
from storage.repositories import centres

SECRET = "cli-secret-0123456789abcdef"
START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
MANAGER = Actor(staff_id=1, role="manager", centres=frozenset(), name="Müdür", language="tr")
TELEGRAM_ID = 987654321


async def _seed(url: str) -> None:
    """Ayşe came once as a walk-in, then registered and was ticked at the next activity."""
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            await centres.sync(session, load_centres())
            made = []
            for n, title in enumerate(("Atölye", "Spor")):
                draft = events.Draft(type="disability_activity", centre_id="bornova-engelli", title=title,
                                     starts_at=START + timedelta(days=n), place="Salon", capacity=10, audience="everyone",
                                     language="tr")
                made.append(await events.create(session, MANAGER, draft, publish=True, now=START - timedelta(days=1)))
            person = Person(citizen_key="c1", telegram_user_id=TELEGRAM_ID, display_name="Ayşe Yılmaz", language="tr",
                            created_at=START)
            session.add(person)
            await session.flush()
            await registrations.register(session, event_id=made[1].id, person_id=person.id, now=START)
            secret = SECRET.encode()
            await attendance.walk_in(session, MANAGER, event_id=made[0].id, name="Ayşe Yılmaz", secret=secret, now=START)
            await attendance.tick(session, MANAGER, event_id=made[1].id, person_id=person.id, secret=secret,
                                  now=START + timedelta(days=1))
    finally:
        await engine.dispose()


@pytest.fixture
def database(sqlite_template, tmp_path, monkeypatch):
    path = tmp_path / "kentbot.sqlite3"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("KENTBOT_SECRET", SECRET)
    monkeypatch.setenv("KENTBOT_DATA_DIR", str(tmp_path))
    asyncio.run(_seed(f"sqlite+aiosqlite:///{path}"))
    return path


def _people(path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(DISTINCT beneficiary_key) FROM attendance").fetchone()[0]


def test_list_merge_and_undo_from_the_command_line(database, capsys) -> None:
    assert main(["attendance", "walkins", "--centre", "bornova-engelli", "--name", "ayse  YILMAZ"]) == 0
    out = capsys.readouterr().out
    lines = [line.split("\t") for line in out.splitlines()]
    assert [line[0] for line in lines] == ["walkin", "person"]
    assert lines[0][2] == "1 attendances" and lines[0][-1] == "Atölye"
    assert lines[1][2] == "Ayşe Yılmaz" and lines[1][-1] == "Spor"
    assert str(TELEGRAM_ID) not in out
    walkin_id, person_id = lines[0][1], lines[1][1]
    assert _people(database) == 2
    assert main(["attendance", "merge-walkin", walkin_id, "--person", person_id]) == 0
    assert "1 attendances moved" in capsys.readouterr().out
    assert _people(database) == 1
    assert main(["attendance", "merge-walkin", walkin_id, "--person", person_id]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "kentbot: attendance merge-walkin: This walk-in is already merged with a registered person."
    ]
    assert main(["attendance", "unmerge-walkin", walkin_id]) == 0
    assert _people(database) == 2
    assert main(["attendance", "unmerge-walkin", walkin_id]) == 2
    assert "This walk-in is not merged." in capsys.readouterr().err
    today = datetime.now(timezone.utc).date()
    assert main(["audit", "--since", (today - timedelta(days=1)).isoformat()]) == 0
    actions = [line.split("\t")[2] for line in capsys.readouterr().out.splitlines()]
    assert actions[-2:] == ["attendance.merge", "attendance.unmerge"]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["attendance", "merge-walkin", "999", "--person", "1"], "There is no such walk-in."),
        (["attendance", "merge-walkin", "1", "--person", "999"], "This person is no longer registered."),
        (["attendance", "merge-walkin", "x", "--person", "1"], "walkin_id"),
        (["attendance", "walkins", "--centre", "bornova-engelli", "--name", "   "], "at most 200 characters"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(database, capsys, argv, says) -> None:
    try:
        code = main(argv)
    except SystemExit as refused:  # the argument types refuse before anything runs
        code = refused.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("kentbot") and says in err
    assert _people(database) == 2
