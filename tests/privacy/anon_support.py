"""The people and steps of the anonymous-survey attacks, through the real bot over HTTP.

Zeynephan registers for a women's-centre event, so `people` holds her Telegram id and name
next to her citizen key; then she answers the anonymous survey by its neutral link, with a
comment nobody else would write. Others answer the disability survey, which stores the time
of completion. The attacks then look for her comment, or even her participation, from her
identified rows, with and without KENTBOT_SECRET.

Everything here reads the database with plain SQL over the tables the models declare, so the
same attacks run against any version of the schema.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, literal_column, select

from devtools.emulator import SimulatedUser
from services.events import local_text
from storage import pseudonyms
from storage.centres import load_centres
from storage.models import Base, Event
from storage.repositories import centres

Message = dict[str, Any]

HER_ID = 7_700_880_001
HER_NAME = "Zeynephan"
HER_USERNAME = "zeynephan_izmir"
COMMENT = "Mor kapının ardındaki ekip bana yeniden umut verdi"
# Her answers before the comment (support types, ease of access, safety, overall).
HER_CHOICES = ("a:yes", "t:legal", "a:2", "a:4", "a:5", "a:5")
WAIT = 30.0
# Tables that hold who a person is, or what an identified person did.
IDENTIFIED = ("citizens", "conversations", "people", "registrations", "attendance", "memberships", "outbox", "audit_log")


def buttons(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def says(fragment: str) -> Callable[[Message], bool]:
    return lambda message: fragment in (message.get("text") or "")


async def newest_id(user: SimulatedUser) -> int:
    return max((m["message_id"] for m in await user.chat()), default=0)


async def live(user: SimulatedUser) -> Message | None:
    """The message whose buttons still count."""
    for message in reversed(await user.bot_messages()):
        if buttons(message):
            return message
    return None


async def press(user: SimulatedUser, data: str, until: Callable[[Message], bool] | None = None) -> Message:
    """Press `data` on the live message, then wait for a newer message (or `until`)."""
    current = await live(user)
    assert current is not None and data in buttons(current), (data, current)
    seen = await newest_id(user)
    await user.press(callback_data=data, message_id=current["message_id"])
    return await user.wait_for(until or (lambda m: m["message_id"] > seen), timeout=WAIT)


async def say(user: SimulatedUser, words: str, until: Callable[[Message], bool] | None = None) -> Message:
    seen = await newest_id(user)
    await user.send(words)
    return await user.wait_for(lambda m: m["message_id"] > seen and (until is None or until(m)), timeout=WAIT)


def _starting(prefix: str) -> Callable[[Message], bool]:
    """A message with a button whose data starts with `prefix` (the consent and language
    buttons carry the chosen language and the link as well)."""
    return lambda m: any(data.split(".")[0] == prefix for data in buttons(m))


async def _press_starting(user: SimulatedUser, prefix: str, until: Callable[[Message], bool] | None = None) -> Message:
    current = await live(user)
    assert current is not None
    return await press(user, next(d for d in buttons(current) if d.split(".")[0] == prefix), until)


async def onboard(user: SimulatedUser, payload: str = "") -> None:
    """/start (with a link), Turkish, and consent."""
    await say(user, f"/start {payload}".strip(), _starting("l:tr"))
    await _press_starting(user, "l:tr", _starting("c:yes"))
    await _press_starting(user, "c:yes")


async def publish_event(live_bot: Any, title: str = "Kahve ve sohbet") -> Event:
    """A women's-centre event open for registration, as staff would publish it."""
    now = live_bot.services.clock()
    async with live_bot.services.sessions.begin() as session:
        await centres.sync(session, load_centres())
        event = Event(centre_id="konak-kadin", type="women", title=title, starts_at=now + timedelta(days=3),
                      language="tr", status="published", created_at=now)
        session.add(event)
    return event


async def register_for_event(live_bot: Any, user: SimulatedUser, event: Event) -> None:
    """Through /events: afterwards `people` holds her Telegram id and name."""
    label = f"{local_text(event.starts_at, live_bot.services.zone)} · {event.title}"
    await say(user, "/events", lambda m: any(d.startswith("v:") for d in buttons(m)))
    for text in ("Kadınlara yönelik etkinlik", "Konak Kadın Danışma ve Eğitim Merkezi", label, "Kayıt ol"):
        await user.wait_for(lambda m, t=text: any(b["text"] == t for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row), timeout=WAIT)
        seen = await newest_id(user)
        await user.press(text)
        await user.wait_for(lambda m, seen=seen: m["message_id"] > seen or m["edited"], timeout=WAIT)
    await user.wait_for(says("Etkinlik kaydı ve katılım için"), timeout=WAIT)
    await user.press("Evet, onaylıyorum")
    await user.wait_for(says("Kaydınız alındı"), timeout=WAIT)


async def open_women_survey(user: SimulatedUser) -> None:
    """The neutral link, as a poster at the centre carries it."""
    await say(user, "/start degerlendirme", lambda m: "a:yes" in buttons(m))


async def answer_some(user: SimulatedUser, choices: Iterable[str] = HER_CHOICES) -> None:
    """Answer the survey's button questions with `choices` (a toggle is submitted at once)."""
    for data in choices:
        if data.startswith("t:"):
            await press(user, data, lambda m: "☑" in json.dumps(m.get("reply_markup"), ensure_ascii=False))
            await press(user, "q:submit")
        else:
            await press(user, data)


async def finish_with_comment(user: SimulatedUser, comment: str = COMMENT) -> None:
    await say(user, comment, lambda m: "x:" in buttons(m))


async def answer_disability_survey(user: SimulatedUser) -> None:
    """Someone else, by the disability centre's poster link: timed, not anonymous."""
    await onboard(user, "disability_centre__buca-engelli")
    await user.wait_for(lambda m: "a:self" in buttons(m), timeout=WAIT)
    await press(user, "a:self", lambda m: "h:yes.self" in buttons(m))  # the health-data consent first
    await press(user, "h:yes.self")
    await answer_some(user, ("t:transport", "a:4", "a:4", "a:3", "a:na", "a:3", "a:4"))
    await press(user, "q:skip", says("Görüşleriniz bizim için değerli"))


def her(live_bot: Any) -> SimulatedUser:
    return SimulatedUser(live_bot.emulator, HER_ID, HER_NAME, "tr", username=HER_USERNAME)


@dataclass
class Rows:
    """Every row of every table, as plain values."""

    tables: dict[str, list[dict[str, Any]]]

    def where(self, table: str, **equal: Any) -> list[dict[str, Any]]:
        return [row for row in self.tables.get(table, []) if all(row.get(k) == v for k, v in equal.items())]


def tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


async def read_everything(db: Any, system: bool = False) -> Rows:
    """All rows, typed as the models declare; with `system`, PostgreSQL's xmin and xmax of each
    row and its place in the table (ctid) too."""
    found: dict[str, list[dict[str, Any]]] = {}
    extra = [literal_column(f"{name}::text{cast}").label(name) for name, cast in (("xmin", "::bigint"), ("xmax", "::bigint"), ("ctid", ""))]
    async with db.engine.connect() as connection:
        for table in tables():
            result = await connection.execute(select(*table.columns, *(extra if system else [])))
            found[table.name] = [dict(row._mapping) for row in result]
    return Rows(found)


def flat(value: Any) -> str:
    """A value as an attacker's text search sees it."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def row_text(row: dict[str, Any]) -> str:
    return " ".join(flat(v) for v in row.values() if v is not None)


def her_identified_rows(rows: Rows, secret: bytes) -> dict[str, list[dict[str, Any]]]:
    """Her rows in the identified tables: by citizen key, Telegram id or person id."""
    key = pseudonyms.citizen_key(secret, HER_ID)
    people = rows.where("people", telegram_user_id=HER_ID)
    person_ids = {p["id"] for p in people}
    mine: dict[str, list[dict[str, Any]]] = {
        "citizens": rows.where("citizens", key=key),
        "conversations": rows.where("conversations", citizen_key=key),
        "people": people,
        "registrations": [r for r in rows.tables.get("registrations", []) if r["person_id"] in person_ids],
        "attendance": [r for r in rows.tables.get("attendance", []) if r["person_id"] in person_ids],
        "memberships": [r for r in rows.tables.get("memberships", []) if r["person_id"] in person_ids],
        "outbox": rows.where("outbox", chat_id=HER_ID),
    }
    return {table: found for table, found in mine.items() if found}


def pseudonyms_of(telegram_id: int, secret: bytes, surveys: Iterable[Any], periods: Iterable[str], salts: Iterable[bytes]) -> dict[str, str]:
    """Every keyed hash storage/pseudonyms.py can make from a Telegram id and the secret
    (and from the salts a copy holds): the functions are found by introspection, each
    parameter filled with every value it can take, so none is forgotten."""
    survey_list = list(surveys)
    candidates: dict[str, list[Any]] = {
        "secret": [secret],
        "telegram_user_id": [telegram_id],
        "survey_id": [s.id for s in survey_list],
        "period": ["", *periods],
        "anonymity": sorted({s.anonymity for s in survey_list} | {"anonymous"}),
        "scope": ["person"],
        "identity": [str(telegram_id)],
    }
    made: dict[str, str] = {}
    salted: list[tuple[str, Callable[..., str]]] = []
    for name, function in inspect.getmembers(pseudonyms, inspect.isfunction):
        if name.startswith("_") or function.__module__ != pseudonyms.__name__:
            continue
        parameters = list(inspect.signature(function).parameters)
        if "period_salt" in parameters:
            salted.append((name, function))
            continue
        assert all(p in candidates for p in parameters), f"{name}: no values known for {parameters}"
        for values in _combinations([candidates[p] for p in parameters]):
            made[f"{name}{tuple(v for v in values if not isinstance(v, bytes))}"] = function(*values)
    inner = [value for label, value in made.items() if label.startswith("participant(")]
    for name, function in salted:
        for salt in salts:
            for mac in inner:
                made[f"{name}(salt {bytes(salt).hex()[:8]})"] = function(bytes(salt), mac)
    return made


def _combinations(choices: list[list[Any]]) -> list[tuple[Any, ...]]:
    combos: list[tuple[Any, ...]] = [()]
    for options in choices:
        combos = [(*combo, option) for combo in combos for option in options]
    return combos


def pg(db: Any) -> bool:
    return db.backend == "postgresql"


# --- Joins: every row one equality away from her rows, and on from there -----------------------

# Reference data shared by everyone (survey definitions, centres, the plan): a value found there
# (a survey id, a centre id) links nothing to anybody.
REFERENCE = ("survey_definitions", "centres", "plan_values", "staff_members", "staff_centres", "report_runs", "leases", "alembic_version")
LINKING_LENGTH = 8  # shorter values (languages, small counts, flags) are shared by everyone


def linking_values(row: dict[str, Any]) -> set[str]:
    """The values of a row an attacker could join on: long enough to single something out,
    not a bare date (a day is what an anonymous response is allowed to say)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            shown = flat(value)
            if len(shown) >= LINKING_LENGTH and not _is_date(shown):
                found.add(shown)

    for value in row.values():
        walk(value)
    return found


def _is_date(shown: str) -> bool:
    return len(shown) == 10 and shown[4] == "-" and shown[7] == "-"


def reachable(rows: Rows, start: dict[str, list[dict[str, Any]]], hops: int = 4) -> list[tuple[str, dict[str, Any]]]:
    """Every row that shares a linking value with her rows, transitively."""
    shared_by_everyone = {v for table in REFERENCE for row in rows.tables.get(table, []) for v in linking_values(row)}
    values = {v for found in start.values() for row in found for v in linking_values(row)} - shared_by_everyone
    reached: dict[int, tuple[str, dict[str, Any]]] = {}
    for _ in range(hops):
        grown = False
        for table, found in rows.tables.items():
            if table in REFERENCE:
                continue
            for row in found:
                own = linking_values(row) - shared_by_everyone
                if id(row) not in reached and own & values:
                    reached[id(row)] = (table, row)
                    values |= own
                    grown = True
        if not grown:
            break
    return list(reached.values())


# --- SQLite's WAL file, read as an attacker would ----------------------------------------------

WAL_HEADER, FRAME_HEADER = 32, 24


def wal_commits(wal: bytes) -> list[bytes]:
    """The pages written by each transaction in a WAL file, every frame the file still holds
    (a checkpoint without TRUNCATE leaves old frames behind); a frame whose header gives the
    database size ends a transaction."""
    if len(wal) < WAL_HEADER:
        return []
    page_size = int.from_bytes(wal[8:12], "big")
    commits: list[bytes] = []
    pages: list[bytes] = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        header = wal[offset: offset + FRAME_HEADER]
        pages.append(wal[offset + FRAME_HEADER: offset + FRAME_HEADER + page_size])
        if int.from_bytes(header[4:8], "big"):
            commits.append(b"".join(pages))
            pages = []
        offset += FRAME_HEADER + page_size
    return commits


def comment_bytes() -> list[bytes]:
    """Her comment as a file holds it: plain UTF-8, or JSON with its non-ASCII letters escaped."""
    return [COMMENT.encode(), json.dumps(COMMENT)[1:-1].encode()]


def identifying(secret: bytes) -> list[bytes]:
    """What names her in a file: her Telegram id, her names, and her citizen key (which joins
    `people`)."""
    as_integers = [HER_ID.to_bytes(size, "big") for size in (6, 8)]  # how SQLite stores it in a row
    return [str(HER_ID).encode(), *as_integers, HER_NAME.encode(), HER_USERNAME.encode(), pseudonyms.citizen_key(secret, HER_ID).encode()]
