"""Attacks on the anonymous survey: a woman known by name (she registered for an event) answers
it, and each test tries to tie her to her answer, or to her taking part, the way the threat
model in docs/privacy.md says an attacker could. Each attack must find nothing.

T1 holds a copy of the database, its WAL, backups and the bot's log; T2 also holds
KENTBOT_SECRET and her Telegram id.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

from anon_support import (
    COMMENT,
    HER_CHOICES,
    HER_ID,
    HER_NAME,
    HER_USERNAME,
    IDENTIFIED,
    answer_disability_survey,
    answer_some,
    comment_bytes,
    finish_with_comment,
    flat,
    her,
    her_identified_rows,
    identifying,
    onboard,
    open_women_survey,
    pg,
    pseudonyms_of,
    publish_event,
    reachable,
    read_everything,
    register_for_event,
    row_text,
    say,
    wal_commits,
)
from anonymous_pool import anonymous_completions, eventually, release_pool
from sqlalchemy.engine import make_url

from bot.commands.backup import backup
from surveys.periods import period_of

# Where a completed answer, or an answer being given, may be found.
ANSWER_TABLES = ("responses", "answers", "pending_responses")
SURVEY_MARKERS = ("women_support", '"support_types"', COMMENT)


async def registered(live_bot):  # type: ignore[no-untyped-def]
    """She registers for a women's-centre event: `people` holds her Telegram id and name."""
    zeynephan = her(live_bot)
    await onboard(zeynephan)
    await register_for_event(live_bot, zeynephan, await publish_event(live_bot))
    return zeynephan


async def answered(live_bot):  # type: ignore[no-untyped-def]
    zeynephan = await registered(live_bot)
    await open_women_survey(zeynephan)
    await answer_some(zeynephan)
    await finish_with_comment(zeynephan)
    return zeynephan


async def left_her_draft(live_bot) -> None:  # type: ignore[no-untyped-def]
    """The completed answer has left the turn (the bot works on after its last reply)."""

    async def arrived() -> bool:
        return await anonymous_completions(live_bot.services) >= 1

    await eventually(arrived)


def holds_survey(row: dict) -> bool:
    shown = row_text(row)
    return any(marker in shown for marker in SURVEY_MARKERS)


async def test_an_unfinished_anonymous_survey_is_nowhere_next_to_her_name(live_bot, db) -> None:
    """T1, without the key: she stopped half-way; her answers so far must not be readable next
    to her name, neither by the join that used to work nor by any other."""
    zeynephan = await registered(live_bot)
    await open_women_survey(zeynephan)
    await answer_some(zeynephan, HER_CHOICES[:2])

    rows = await read_everything(db)
    secret = live_bot.services.secret
    mine = her_identified_rows(rows, secret)
    assert mine["people"][0]["display_name"] == HER_NAME
    # The attack that worked: her conversation, joined to `people` by the citizen key.
    person = mine["people"][0]
    conversations = rows.where("conversations", citizen_key=person["citizen_key"])
    assert not any(holds_survey(row) for row in conversations)
    # Nor any row that a chain of joins reaches from hers.
    assert [table for table, row in reachable(rows, mine) if holds_survey(row)] == []
    # Her answers so far are nowhere in clear, in any table.
    readable = [table for table, found in rows.tables.items() if table != "survey_definitions"
                for row in found if '"support_types"' in row_text(row) or '"ease_of_access"' in row_text(row)]
    assert readable == []


async def test_her_identified_rows_do_not_move_while_she_answers(live_bot, db) -> None:
    """T1: nothing identified changes while she answers, not even a time or a transaction id,
    and her conversation's message ids show no gap where the survey's messages were."""
    zeynephan = await registered(live_bot)
    secret = live_bot.services.secret
    before = her_identified_rows(await read_everything(db, system=pg(db)), secret)
    await open_women_survey(zeynephan)
    await answer_some(zeynephan)
    await finish_with_comment(zeynephan)
    await release_pool(live_bot.services, expected=1)
    after = her_identified_rows(await read_everything(db, system=pg(db)), secret)
    assert after == before

    await say(zeynephan, "/help")
    conversation = her_identified_rows(await read_everything(db), secret)["conversations"][0]
    assert not holds_survey(conversation)
    ids = conversation["message_ids"]
    assert ids == list(range(ids[0], ids[-1] + 1))


async def test_no_join_from_her_rows_reaches_an_answer(live_bot, db) -> None:
    """T1: from her rows, join on every shared value, again and again: no row reached holds
    an answer of the survey, whether she is answering, has answered, or the answer is released."""
    zeynephan = await registered(live_bot)
    secret = live_bot.services.secret

    async def reached_answers() -> list[str]:
        rows = await read_everything(db)
        return [table for table, row in reachable(rows, her_identified_rows(rows, secret)) if holds_survey(row)]

    await open_women_survey(zeynephan)
    await answer_some(zeynephan)
    assert await reached_answers() == []
    await finish_with_comment(zeynephan)
    await left_her_draft(live_bot)
    assert await reached_answers() == []
    await release_pool(live_bot.services, expected=1)
    assert await reached_answers() == []


async def test_no_id_or_row_order_dates_the_anonymous_answer(live_bot, db) -> None:
    """T1: someone answers the timed disability survey before her and someone after her. Her
    answer must not be placed between them by its id, its answers' ids, its place in the table,
    nor by a time written to her rows while she answered."""
    zeynephan = await registered(live_bot)
    await answer_disability_survey(live_bot.citizen(7_700_990_001, "tr", "Aylin"))
    await open_women_survey(zeynephan)
    await answer_some(zeynephan)
    await finish_with_comment(zeynephan)
    await answer_disability_survey(live_bot.citizen(7_700_990_002, "tr", "Burcu"))
    await release_pool(live_bot.services, expected=1)

    rows = await read_everything(db, system=pg(db))
    responses = rows.tables["responses"]
    (hers,) = [r for r in responses if r["survey_id"] == "women_support"]
    first, second = sorted((r for r in responses if r["survey_id"] == "disability_centre"), key=lambda r: r["completed_at"])
    # Its id: a counter would number it between the two; ids come from no counter.
    assert min(r["id"] for r in responses) >= 2**31
    # Its answers' ids: numbered when the pool was released, after everything answered before.
    answer_ids = {r["id"]: [a["id"] for a in rows.where("answers", response_id=r["id"])] for r in responses}
    assert min(answer_ids[hers["id"]]) > max(answer_ids[first["id"]] + answer_ids[second["id"]])
    # Its place in the table: written at the release too.
    if pg(db):
        place = {r["id"]: tuple(int(n) for n in r["ctid"].strip("()").split(",")) for r in responses}
        assert place[hers["id"]] > place[second["id"]]
    # Her own rows: no time written while she answered.
    window = (first["completed_at"], second["completed_at"])
    stamps = [value for found in her_identified_rows(rows, live_bot.services.secret).values() for row in found
              for value in row.values() if hasattr(value, "tzinfo") and hasattr(value, "hour")]
    assert stamps and not any(window[0] < stamp < window[1] for stamp in stamps)


async def test_no_transaction_writes_both_her_rows_and_her_answer(live_bot, db) -> None:
    """T1: PostgreSQL stamps each row with the transaction that wrote it (xmin) and the one that
    locked or deleted it (xmax); SQLite's WAL keeps a transaction's pages together. Neither may
    put her rows and her answer in one transaction."""
    zeynephan = await answered(live_bot)
    secret = live_bot.services.secret

    async def check() -> None:
        if pg(db):
            rows = await read_everything(db, system=True)
            mine = {x for found in her_identified_rows(rows, secret).values() for row in found for x in (row["xmin"], row["xmax"]) if x}
            answer_rows = [row for table in ANSWER_TABLES for row in rows.tables.get(table, [])
                           if table != "responses" or row["survey_id"] == "women_support"]
            assert answer_rows
            assert mine.isdisjoint({x for row in answer_rows for x in (row["xmin"], row["xmax"]) if x})
        else:
            wal = Path(f"{make_url(db.url).database}-wal")
            commits = wal_commits(wal.read_bytes() if wal.exists() else b"")
            together = [c for c in commits if any(m in c for m in comment_bytes()) and any(n in c for n in identifying(secret))]
            assert together == []

    await left_her_draft(live_bot)
    await check()
    await release_pool(live_bot.services, expected=1)
    await check()
    assert zeynephan


async def test_the_key_and_her_telegram_id_find_no_answer_and_after_the_period_nothing(live_bot, db) -> None:
    """T2: with KENTBOT_SECRET and her Telegram id, every keyed hash the code can make finds no
    completed answer; during the period at most that she took part; once the period has ended,
    nothing at all about the survey."""
    await answered(live_bot)
    await release_pool(live_bot.services, expected=1)
    services = live_bot.services
    secret, surveys = services.secret, services.surveys
    today = services.clock().astimezone(services.zone).date()
    periods = {period_of(defn.period, today) for defn in surveys.values()}

    async def hits() -> set[str]:
        rows = await read_everything(db)
        salts = [row["salt"] for row in rows.tables.get("participation_salts", [])]
        made = pseudonyms_of(HER_ID, secret, surveys.values(), periods, salts)
        return {table for table, found in rows.tables.items() for row in found
                if any(value in row_text(row) for value in made.values())}

    during = await hits()
    assert during.isdisjoint(ANSWER_TABLES)
    assert during <= {*IDENTIFIED, "participation_tokens", "survey_drafts"}
    # Her draft opens with the key: it holds no answer, and nothing that leads to one.
    rows = await read_everything(db)
    if rows.tables.get("survey_drafts"):
        from bot.anonymous_storage import open_draft
        from storage.pseudonyms import draft_key

        key = draft_key(secret, HER_ID)
        (draft,) = rows.where("survey_drafts", key=key)
        content = json.dumps(open_draft(secret, key, draft["sealed"]), ensure_ascii=False)
        assert COMMENT not in content and "support_types" not in content
        assert not any(str(response["id"]) in content for response in rows.tables["responses"])

    from bot.anonymous_storage import period_end, tidy

    ended = max(period_end(defn, services.clock(), services.zone) for defn in surveys.values() if defn.anonymity == "anonymous")
    await tidy(services, ended + timedelta(hours=1))
    assert await hits() <= set(IDENTIFIED)


async def test_her_telegram_id_names_and_comment_are_never_stored_together(live_bot, db, tmp_path) -> None:
    """T1: search every column of every table, the transaction each row was written in, the
    database and WAL files page by page and the bot's log for her Telegram id, her names and
    her comment: the comment is never next to anything that names her."""
    log_file = tmp_path / "bot.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.addFilter(_the_bots_own)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # The bot's own requests are logged too, as an operator who turns them on would see them.
    requests = logging.getLogger("httpx")
    requests_level = requests.level
    requests.setLevel(logging.INFO)
    try:
        await answered(live_bot)
        await left_her_draft(live_bot)
        snapshots = [await _files(db)]
        await release_pool(live_bot.services, expected=1)
        snapshots.append(await _files(db))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        requests.setLevel(requests_level)
        handler.close()

    secret = live_bot.services.secret
    names = identifying(secret)
    rows = await read_everything(db, system=pg(db))
    with_comment = [(table, row) for table, found in rows.tables.items() for row in found if COMMENT in row_text(row)]
    assert with_comment, "the released comment is stored"
    for table, row in with_comment:
        assert not any(name.decode("latin-1") in row_text(row) for name in names if name.isascii()), table
        if pg(db):
            same_transaction = [r for found in rows.tables.values() for r in found if r["xmin"] == row["xmin"]]
            assert not any(HER_NAME in row_text(r) or str(HER_ID) in row_text(r) or names[-1].decode() in row_text(r) for r in same_transaction)
    for database_file, wal in snapshots:
        for page in _pages(database_file) + wal_commits(wal):
            assert not (any(m in page for m in comment_bytes()) and any(name in page for name in names))
    logged = log_file.read_text(encoding="utf-8")
    assert "sendMessage" in logged  # the bot's own requests were logged
    assert COMMENT not in logged and str(HER_ID) not in logged and HER_NAME not in logged and HER_USERNAME not in logged


def _the_bots_own(record: logging.LogRecord) -> bool:
    """The bot's log, as `kentbot run` writes it: not the emulated Telegram's (its server and
    the simulated people talking to it run in this process too)."""
    emulator = record.name.startswith(("aiohttp.", "devtools.emulator"))
    return not emulator and "/_sim/" not in record.getMessage()


async def _files(db) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    """The SQLite database and WAL files as they are now (nothing on PostgreSQL)."""
    if pg(db):
        return b"", b""
    path = Path(make_url(db.url).database or "")
    wal = Path(f"{path}-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _pages(database_file: bytes) -> list[bytes]:
    if len(database_file) < 100:
        return []
    size = int.from_bytes(database_file[16:18], "big")
    size = 65536 if size == 1 else size
    return [database_file[i: i + size] for i in range(0, len(database_file), size)]


async def test_a_backup_holds_no_salt_token_or_draft(live_bot, db, tmp_path, capsys) -> None:
    """T2 with a backup: the backup made as the operations guide says holds her answer (nothing
    is lost) but no participation salt, token or draft, so the key and her Telegram id find
    nothing in it, not even that she took part."""
    await answered(live_bot)
    await left_her_draft(live_bot)
    services = live_bot.services
    settings = services.settings
    out = tmp_path / "kentbot.backup"
    today = services.clock().astimezone(services.zone).date()
    periods = {period_of(defn.period, today) for defn in services.surveys.values()}
    live = await read_everything(db)
    salts = [row["salt"] for row in live.tables.get("participation_salts", [])]
    made = pseudonyms_of(HER_ID, services.secret, services.surveys.values(), periods, salts)
    if pg(db):
        assert backup(settings, str(out)) == 1
        recipe = next(line.strip() for line in capsys.readouterr().err.splitlines() if line.strip().startswith("pg_dump"))
        command = recipe.replace("{out}", str(out))
        command = re.sub(r'"postgresql://[^"]*"', f'"{make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)}"', command)
        subprocess.run(command, shell=True, check=True)
        dumped = subprocess.run(["pg_restore", "--data-only", "-f", "-", str(out)], check=True, capture_output=True, text=True).stdout
        blocks = _copy_blocks(dumped)
    else:
        assert backup(settings, str(out)) == 0
        blocks = _sqlite_tables(out)
        raw = out.read_bytes()
        assert not any(bytes(salt) in raw for salt in salts)
    found = {table for table, text in blocks.items() if any(value in text for value in made.values())}
    assert found <= set(IDENTIFIED)
    assert not any(blocks.get(table, "").strip() for table in ("participation_salts", "participation_tokens", "survey_drafts"))
    assert _count_answers(blocks) == 1  # her answer is in the backup, waiting or released


def _copy_blocks(dump: str) -> dict[str, str]:
    """pg_restore's SQL: the data of each table, as text."""
    blocks: dict[str, str] = {}
    for match in re.finditer(r"COPY public\.(\w+) \(.*?\) FROM stdin;\n(.*?)\n\\\.", dump, re.S):
        blocks[match.group(1)] = match.group(2)
    return blocks


def _sqlite_tables(path: Path) -> dict[str, str]:
    connection = sqlite3.connect(path)
    try:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: "\n".join(" ".join(flat(v) for v in row if v is not None) for row in connection.execute(f'SELECT * FROM "{name}"'))
                for name in names}
    finally:
        connection.close()


def _count_answers(blocks: dict[str, str]) -> int:
    pending = [line for line in blocks.get("pending_responses", "").splitlines() if line.strip()]
    released = [line for line in blocks.get("responses", "").splitlines() if "women_support" in line]
    return len(pending) + len(released)
