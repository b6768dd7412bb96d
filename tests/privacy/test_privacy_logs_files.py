"""Attacks on what kentbot leaves in its log and on disk.

Someone who can read the bot's log, or any file on the machine under another account, must
learn nothing about a person from it: no conversation state, citizen key, Telegram id or
typed text in the log at INFO and above, even when the database fails; nothing readable by
others in the data folder, the backups, the reports and exports or the demo bot's log; and a
key file that others can read, or that is too short to be a key, stops start-up.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from telegram import Bot, Update

from bot.cli import QUIET_LOGGERS, main
from bot.inbound import storable_update
from devtools.demo.runner import _start_bot
from devtools.emulator import SimulatedUser
from reports.weekly import build_weekly_report, write_report_files
from services import invites
from storage.centres import load_centres
from storage.database import create_engine
from storage.models import AuditEntry, Conversation, Membership, Person
from storage.pseudonyms import citizen_key
from storage.repositories import audit, centres

Message = dict[str, Any]


def production_log(caplog: pytest.LogCaptureFixture) -> str:
    """What `kentbot run` would write: INFO and above, the request loggers from WARNING."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    kept = []
    for record in caplog.records:
        quiet = any(record.name == name or record.name.startswith(name + ".") for name in QUIET_LOGGERS)
        if record.levelno >= (logging.WARNING if quiet else logging.INFO):
            kept.append(formatter.format(record))
    return "\n".join(kept)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def buttons(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def says(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


def offers(button: str):
    return lambda message: button in buttons(message)


async def after(user: SimulatedUser, action, predicate) -> Message:
    """Do something, then wait for a NEW bot message that matches."""
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await action
    return await user.wait_for(lambda m: m["message_id"] > seen and predicate(m))


async def onboard(user: SimulatedUser) -> None:
    await after(user, user.send("/start"), offers("Türkçe"))
    await after(user, user.press("Türkçe"), offers("Evet, onaylıyorum"))
    await after(user, user.press("Evet, onaylıyorum"), says("Hangi hizmeti"))


async def apply_for_membership(user: SimulatedUser, member_name: str) -> Message:
    """/uye up to the health-data consent; returns the bot's answer to that consent."""
    await after(user, user.send("/uye"), offers("Evet, onaylıyorum"))
    await after(user, user.press("Evet, onaylıyorum"), offers("Kendim için"))
    await after(user, user.press("Kendim için"), says("adını ve soyadını yazın"))
    await after(user, user.send(member_name), says("doğum tarihini yazın"))
    await after(user, user.send("01.03.1948"), offers("Telegram'dan"))
    await after(user, user.press("Telegram'dan"), offers("Evet, onaylıyorum"))
    return await after(user, user.press("Evet, onaylıyorum"), lambda m: True)


# --- The log -------------------------------------------------------------------------------


async def test_a_failing_database_statement_logs_neither_key_nor_state_nor_names(live_bot, db, caplog) -> None:
    """A real database error in the middle of a person's turn (a unique violation, whose own
    message on PostgreSQL quotes the key) is logged by kind and place only; the person is told,
    keeps their place, and the bot goes on answering."""
    caplog.set_level(logging.INFO)
    user_id, first_name, username, member = 731902457, "Gülizar", "gulizar_izmir", "Gülizar Demirtaş"
    key = citizen_key(live_bot.services.secret, user_id)
    async with db.sessions.begin() as session:
        # A person row that already holds this key under another Telegram id: saving the
        # membership's person fails inside the database.
        session.add(Person(citizen_key=key, telegram_user_id=1, display_name="-", language="tr",
                           created_at=datetime.now(timezone.utc)))
    user = SimulatedUser(live_bot.emulator, user_id, first_name, "tr", username=username)
    await onboard(user)

    answer = await apply_for_membership(user, member)

    assert answer["text"].startswith("Bir sorun oluştu")
    logged = production_log(caplog)
    assert "IntegrityError" in logged and "INSERT INTO people" in logged  # the failure is there...
    for secret in (key, str(user_id), first_name, username, member, "member_name", "1948"):
        assert secret not in logged, f"the log holds {secret!r}"  # ...and nothing about the person
    async with db.sessions() as session:
        state = (await session.get(Conversation, key)).state
    assert state["draft"]["member_name"] == member  # rolled back to where they were
    await after(user, user.send("/help"), lambda m: True)


async def test_a_nul_in_names_is_dropped_on_the_way_in_and_the_person_goes_on(live_bot, db, caplog) -> None:
    """PostgreSQL refuses NUL in text and JSON: typed into a name, or in the Telegram name
    itself, it would fail the turn (and log it) every time. It is dropped as the update comes
    in, so the application goes through and nothing is stored with it."""
    caplog.set_level(logging.INFO)
    user = SimulatedUser(live_bot.emulator, 5301, "Ay\x00şe", "tr", username="ayse\x00_k")
    await onboard(user)

    answer = await apply_for_membership(user, "Ayşe\x00 Yılmaz")

    assert answer["text"].startswith("Başvurunuz alındı")
    async with db.sessions() as session:
        membership = (await session.execute(select(Membership))).scalar_one()
        person = await session.get(Person, membership.person_id)
    assert (membership.member_name, person.display_name) == ("Ayşe Yılmaz", "Ayşe")
    assert "ERROR" not in production_log(caplog)


async def test_a_nul_in_staff_text_is_dropped_on_the_way_in(live_bot, db) -> None:
    now = datetime.now(timezone.utc)
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        invite = await invites.create(session, role="staff", centre_id="konak-kadin", hours=1, actor="cli:test", now=now)
        await invites.redeem(session, code=invite.code, telegram_user_id=5302, display_name="Zeynep", language="tr", now=now)
    staff = SimulatedUser(live_bot.emulator, 5302, "Zeynep", "tr")
    await after(staff, staff.send("/etkinlik_yeni"), offers("Kadınlara yönelik etkinlik"))
    await after(staff, staff.press("Kadınlara yönelik etkinlik"), offers("Konak Kadın Danışma ve Eğitim Merkezi"))
    await after(staff, staff.press("Konak Kadın Danışma ve Eğitim Merkezi"), says("adını yazın"))

    await after(staff, staff.send("Kendini\x00 ifade atölyesi"), says("Tarih ve saati"))

    async with db.sessions() as session:
        state = (await session.get(Conversation, citizen_key(live_bot.services.secret, 5302))).state
    assert state["draft"]["title"] == "Kendini ifade atölyesi"


@pytest.mark.parametrize(
    "field",
    [
        lambda text: {"message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"},
                                  "from": {"id": 1, "is_bot": False, "first_name": "A"}, "text": text}},
        lambda text: {"message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"},
                                  "from": {"id": 1, "is_bot": False, "first_name": "A"}, "caption": text,
                                  "photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]}},
        lambda text: {"edited_message": {"message_id": 1, "date": 1, "edit_date": 2, "chat": {"id": 1, "type": "private"},
                                         "from": {"id": 1, "is_bot": False, "first_name": "A"}, "text": text}},
        lambda text: {"callback_query": {"id": "q", "chat_instance": "c", "data": text,
                                         "from": {"id": 1, "is_bot": False, "first_name": text, "last_name": text,
                                                  "username": text}}},
    ],
    ids=["text", "caption", "edited", "button-and-names"],
)
def test_every_string_of_an_update_comes_in_storable(field) -> None:
    bot = Bot("1:x")
    update = Update.de_json({"update_id": 1, **field("a\x00b\ud800c")}, bot)
    cleaned = storable_update(update, bot)
    assert "\x00" not in repr(cleaned.to_dict()) and "\\ud800" not in repr(cleaned.to_dict()).lower()
    assert "abc" in repr(cleaned.to_dict())
    clean = Update.de_json({"update_id": 2, **field("abc")}, bot)
    assert storable_update(clean, bot) is clean  # nothing to drop: the same object, no copy


async def test_the_storage_layer_stores_no_refused_character_whatever_reaches_it(db) -> None:
    """A path that skipped the inbound boundary (a command-line argument, a job) still stores:
    NUL and lone surrogates are dropped from text columns and JSON values alike."""
    now = datetime.now(timezone.utc)
    async with db.sessions.begin() as session:
        await audit.append(session, at=now, actor="cli:o\x00ps", action="test.refused", object_type="text",
                           object_id="1\ud800", after={"note": "a\x00b", "list": ["c\udfffd"]})
    async with db.sessions() as session:
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert (entry.actor, entry.object_id, entry.after) == ("cli:ops", "1", {"note": "ab", "list": ["cd"]})


# --- Files ---------------------------------------------------------------------------------


@pytest.fixture
def usual_umask():
    """The umask of most machines (022): a file created without care comes out readable by all."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usual_umask) -> Path:
    """A clean working directory with the default SQLite database under ./data."""
    for variable in ("DATABASE_URL", "KENTBOT_SECRET", "TELEGRAM_BOT_TOKEN", "KENTBOT_DATA_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def kentbot(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exit_:  # argparse refusing the arguments
        return int(exit_.code or 0)


async def write_something(database: Path) -> None:
    """A write through kentbot's engine; returns with the connection still open, so the WAL
    and shared-memory files exist, and checks them before closing."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO processed_updates (update_id, processed_at) VALUES (1, '2026-01-01')"))
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            for companion in ("-wal", "-shm"):
                assert mode(Path(f"{database}{companion}")) == 0o600, companion
    finally:
        await engine.dispose()


def test_the_data_folder_the_database_and_its_wal_are_the_owners_alone(workdir: Path) -> None:
    assert kentbot("db", "upgrade") == 0
    data = workdir / "data"
    assert mode(data) == 0o700
    assert mode(data / "kentbot.sqlite3") == 0o600
    asyncio.run(write_something(data / "kentbot.sqlite3"))


def test_a_database_left_readable_by_an_older_version_is_made_private_when_opened(workdir: Path) -> None:
    assert kentbot("db", "upgrade") == 0
    data = workdir / "data"
    database = data / "kentbot.sqlite3"
    os.umask(0o022)
    database.chmod(0o644)
    data.chmod(0o755)

    assert kentbot("db", "check") == 0

    assert (mode(data), mode(database)) == (0o700, 0o600)
    companions = [Path(f"{database}-wal"), Path(f"{database}-shm")]
    for path in companions:
        path.touch()
        path.chmod(0o644)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    assert [mode(path) for path in companions] == [0o600, 0o600]
    asyncio.run(engine.dispose())


def test_backups_reports_and_exports_are_the_owners_alone(workdir: Path) -> None:
    assert kentbot("db", "upgrade") == 0
    for folder in ("backups", "out"):  # the operator makes the folders; kentbot refuses a missing one
        (workdir / folder).mkdir()
    assert kentbot("backup", "--out", "backups/kentbot.sqlite3") == 0
    assert kentbot("report", "--from", "2026-11-16", "--to", "2026-11-22", "--format", "xlsx", "--out", "out/week.xlsx") == 0
    assert kentbot("report", "--from", "2026-11-16", "--to", "2026-11-22", "--format", "json", "--out", "week.json") == 0
    assert kentbot("export", "opendata", "--year", "2026", "--out", "opendata") == 0
    assert mode(workdir / "opendata") == 0o700
    for path in ("backups/kentbot.sqlite3", "out/week.xlsx", "week.json", "opendata/hedef-4.2-2026.csv",
                 "opendata/hedef-4.2-2026.json"):
        assert mode(workdir / path) == 0o600, path


async def test_weekly_report_files_are_the_owners_alone_whoever_writes_them(db, tmp_path: Path, usual_umask) -> None:
    """Not only through the command line: the demo and any caller of `write_report_files` get
    0600 files in a 0700 folder under the usual umask."""
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=datetime(2026, 11, 16).date(),
                                           period_to=datetime(2026, 11, 22).date(), year=2026,
                                           now=datetime(2026, 11, 23, 6, tzinfo=timezone.utc))
    written = write_report_files(report, tmp_path / "out")
    assert mode(tmp_path / "out") == 0o700
    assert {kind: mode(path) for kind, path in written.items()} == {
        "text": 0o600, "png": 0o600, "xlsx": 0o600, "items:disability_centre": 0o600, "items:women_support": 0o600,
    }


def test_the_demo_bots_log_is_the_owners_alone(tmp_path: Path, usual_umask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENTBOT_SECRET", "test-secret-0123456789abcdef")
    (tmp_path / "data").mkdir()  # the demo's data folder, as the demo leaves it
    log = tmp_path / "data" / "demo-bot.log"
    bot = _start_bot("http://127.0.0.1:9", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'demo.sqlite3'}", tmp_path / "data", log)
    try:
        code = bot.wait(timeout=120)
    except subprocess.TimeoutExpired:
        bot.kill()
        raise
    assert code == 2 and "cannot reach the Bot API" in log.read_text(encoding="utf-8")
    assert mode(log) == 0o600


# --- The key file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "file_mode", "complaint"),
    [
        ("", 0o600, "is empty"),
        ("0123456789abcdef" * 2, 0o600, "holds 16 bytes of key"),
        ("short key", 0o600, "holds 9 bytes of key"),
        ("ab" * 32, 0o644, "other users may read the key file (mode 0644)"),
        ("ab" * 32, 0o640, "other users may read the key file (mode 0640)"),
    ],
    ids=["empty", "half", "typed", "world-readable", "group-readable"],
)
def test_a_weak_or_readable_key_file_stops_start_up(
    workdir: Path, capsys, monkeypatch: pytest.MonkeyPatch, content: str, file_mode: int, complaint: str
) -> None:
    key_file = workdir / "data" / "kentbot.secret"
    key_file.parent.mkdir()
    key_file.write_text(content)
    key_file.chmod(file_mode)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:unused")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")

    code = kentbot("run")

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and err.startswith(f"kentbot: {Path('data') / 'kentbot.secret'}: ") and complaint in err


def test_a_generated_key_file_is_accepted(workdir: Path) -> None:
    """The key kentbot writes itself passes the same checks: `kentbot run` goes on to Telegram."""
    environment = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:unused", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=environment, cwd=workdir, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2 and "cannot reach the Bot API" in done.stderr
    key_file = workdir / "data" / "kentbot.secret"
    assert mode(key_file) == 0o600 and len(bytes.fromhex(key_file.read_text())) == 32
