"""How long the anonymous survey's data lives, and when its answers reach the figures: drafts
for hours and never past their period, the pending pool released in tens or after midnight,
the period's salt and tokens destroyed when it ends, and an upgrade that removes what older
versions stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.anonymous_storage import period_end, tidy
from storage.database import create_engine
from storage.migrate import upgrade
from storage.models import ParticipationSalt, ParticipationToken, PendingResponse, Response, SurveyDraft
from storage.pseudonyms import draft_key

USER = 5500


async def count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def open_and_answer(bot, user: int, answers: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Someone new opens the neutral link, chooses Turkish, consents, and answers."""
    await bot.feed(bot.message_update(user, "/start degerlendirme"))
    for data in ("l:tr", "c:yes", *answers):
        await bot.feed(bot.callback_update(user, carried(bot, user, data), bot.last_live(user)["message_id"]))


def carried(bot, user: int, data: str) -> str:  # type: ignore[no-untyped-def]
    """The live button for `data`: the language and consent buttons carry the link too."""
    shown = [b["callback_data"] for row in bot.last_live(user)["reply_markup"]["inline_keyboard"] for b in row]
    return next((d for d in shown if d == data or d.startswith(f"{data}.")), data)


async def complete(bot, user: int) -> None:  # type: ignore[no-untyped-def]
    await open_and_answer(bot, user, ("a:yes", "t:legal", "q:submit", "a:2", "a:4", "a:5", "a:5"))
    await bot.feed(bot.message_update(user, "Teşekkürler"))


async def expiry(bot, db, user: int) -> datetime:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        key = draft_key(bot.services.secret, user)
        return (await session.execute(select(SurveyDraft.expires_at).where(SurveyDraft.key == key))).scalar_one()


def hour_up(moment: datetime) -> datetime:
    down = moment.replace(minute=0, second=0, microsecond=0)
    return down if down == moment else down + timedelta(hours=1)


async def test_the_pool_is_released_in_tens_or_after_midnight_and_never_dropped(inprocess_bot, db) -> None:
    services = inprocess_bot.services
    now = services.clock()
    for user in range(USER, USER + 9):
        await complete(inprocess_bot, user)
    await tidy(services, now)
    assert (await count(db, PendingResponse), await count(db, Response)) == (9, 0)  # nine say too much about each
    await complete(inprocess_bot, USER + 9)
    await tidy(services, now)
    assert (await count(db, PendingResponse), await count(db, Response)) == (0, 10)
    await complete(inprocess_bot, USER + 10)
    await tidy(services, now)
    assert await count(db, PendingResponse) == 1
    local_midnight = datetime.combine(now.astimezone(services.zone).date() + timedelta(days=1), time.min, tzinfo=services.zone)
    await tidy(services, local_midnight + timedelta(minutes=10))
    assert (await count(db, PendingResponse), await count(db, Response)) == (0, 11)
    assert await count(db, ParticipationToken) == 11


async def test_a_draft_expires_within_hours_and_never_outlives_its_period(inprocess_bot, db) -> None:
    services = inprocess_bot.services
    defn = services.surveys["women_support"]
    before = services.clock()
    await open_and_answer(inprocess_bot, USER, ("a:yes", "t:legal", "q:submit"))
    after = services.clock()
    ends = period_end(defn, after, services.zone)
    expected = {min(hour_up(moment + timedelta(hours=6)), ends) for moment in (before, after)}
    unfinished = await expiry(inprocess_bot, db, USER)
    assert unfinished in expected and unfinished.minute == 0
    await tidy(services, unfinished - timedelta(minutes=1))
    assert await count(db, SurveyDraft) == 1
    await tidy(services, unfinished)
    assert await count(db, SurveyDraft) == 0
    # Finished: kept for the safe exit while Telegram still deletes messages, not past the period.
    await complete(inprocess_bot, USER + 1)
    finished = await expiry(inprocess_bot, db, USER + 1)
    moment = services.clock()
    assert finished <= ends and finished.minute == 0
    assert finished == min(hour_up(moment + timedelta(hours=48)), ends) or finished == min(hour_up(after + timedelta(hours=48)), ends)


async def test_the_end_of_the_period_destroys_its_salt_and_tokens(inprocess_bot, db) -> None:
    services = inprocess_bot.services
    await complete(inprocess_bot, USER)
    now = services.clock()
    ends = period_end(services.surveys["women_support"], now, services.zone)
    async with db.sessions() as session:
        (period,) = (await session.execute(select(ParticipationSalt.period))).scalars()
    await tidy(services, ends - timedelta(seconds=1))
    assert await count(db, ParticipationToken) == 1
    await tidy(services, ends)
    assert await count(db, ParticipationToken) == 0
    assert await count(db, ParticipationSalt, ParticipationSalt.period == period) == 0
    assert await count(db, Response) == 1  # the answer stays in the figures


async def test_upgrading_removes_what_tied_old_anonymous_answers_to_people(db, tmp_path) -> None:
    """A database written by the previous version: an anonymous response with a key anyone with
    the secret can recompute and an id between two timed ones, a conversation holding an
    unfinished anonymous survey, another left in the anonymous survey's end state."""
    async with _fresh_database(db, tmp_path) as url:
        rows, responses, moved = await _upgrade_old_database(url)
    anonymous = next(r for r in responses if r.survey_id == "women_support")
    assert anonymous.id >= 2**31 and anonymous.respondent_key != "k-derivable"
    assert {r.id for r in responses if r.survey_id == "disability_centre"} == {1, 3}
    assert [response for _, response in moved][-1] == anonymous.id and len(moved) == 3
    state = {key: row.state if isinstance(row.state, dict) else json.loads(row.state) for key, row in rows.items()}
    assert state["in-progress"] == {"screen": "idle", "lang": "tr"}
    assert state["finished"] == {"screen": "idle", "lang": "tr"}
    assert state["other"] == {"screen": "choose", "lang": "en", "active": 3}
    assert len({row.updated_at for row in rows.values()}) == 1


@asynccontextmanager
async def _fresh_database(db, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """An empty database next to the test's own."""
    if db.backend != "postgresql":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"kentbot_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(db.url).set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(db.url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _upgrade_old_database(url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    old = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
    try:
        await upgrade(engine, "0007")
        async with engine.begin() as connection:
            for survey, anonymity in (("women_support", "anonymous"), ("disability_centre", "pseudonymous")):
                await connection.execute(text(
                    "INSERT INTO survey_definitions VALUES (:s, 1, 'h', NULL, :a, '{}', :at)"), {"s": survey, "a": anonymity, "at": old})
            for number, survey, key in ((1, "disability_centre", "k-disability-1"), (2, "women_support", "k-derivable"),
                                        (3, "disability_centre", "k-disability-3")):
                await connection.execute(text(
                    "INSERT INTO responses (id, survey_id, survey_version, period, respondent_key, language, completed_on, completed_at) "
                    "VALUES (:id, :s, 1, '2026-11', :k, 'tr', :on, :at)"),
                    {"id": number, "s": survey, "k": key, "on": old.date(), "at": None if survey == "women_support" else old})
                await connection.execute(text("INSERT INTO answers (response_id, question_id, value) VALUES (:id, 'overall', '5')"), {"id": number})
            states = {
                "in-progress": '{"screen": "survey", "lang": "tr", "active": 9, "survey": {"survey_id": "women_support", "answers": {"ease_of_access": 2}}}',
                "finished": '{"screen": "idle", "lang": "tr", "active": 12}',
                "other": '{"screen": "choose", "lang": "en", "active": 3}',
            }
            for key, state in states.items():
                await connection.execute(text("INSERT INTO citizens (key, created_at) VALUES (:k, :at)"), {"k": key, "at": old})
                await connection.execute(text(
                    "INSERT INTO conversations (citizen_key, state, message_ids, applied_updates, updated_at) VALUES (:k, :s, '[]', '[]', :at)"),
                    {"k": key, "s": state, "at": old + timedelta(minutes=len(key))})
        await upgrade(engine)
        async with engine.connect() as connection:
            responses = (await connection.execute(text("SELECT * FROM responses"))).all()
            moved = (await connection.execute(text("SELECT id, response_id FROM answers ORDER BY id"))).all()
            rows = {r.citizen_key: r for r in (await connection.execute(text("SELECT citizen_key, state, updated_at FROM conversations"))).all()}
    finally:
        await engine.dispose()
    return rows, responses, moved


async def test_tokens_and_drafts_keep_no_order_of_who_came_when(inprocess_bot, db) -> None:
    """PostgreSQL stamps a row with the transaction that wrote it: after the job, the tokens
    and drafts written since its last run share the job's. SQLite numbers rows in the order they
    were written unless the table has none: these tables have none."""
    for user in (USER, USER + 1):
        await complete(inprocess_bot, user)
    await open_and_answer(inprocess_bot, USER + 2, ("a:yes", "t:legal", "q:submit"))
    tables = ("participation_tokens", "survey_drafts", "participation_salts")
    if db.backend == "postgresql":
        async def stamps() -> set[str]:
            async with db.engine.connect() as connection:
                return {x for table in tables[:2] for x in (await connection.execute(text(f"SELECT xmin::text FROM {table}"))).scalars()}

        assert len(await stamps()) > 1
        await tidy(inprocess_bot.services, inprocess_bot.services.clock())
        assert len(await stamps()) == 1
    else:
        async with db.engine.connect() as connection:
            schemas = dict((await connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))).all())
        assert all("WITHOUT ROWID" in schemas[table] for table in tables)


async def test_forget_takes_the_draft_too(inprocess_bot, db) -> None:
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/start"))
    for data in ("l:tr", "c:yes", "s:women_support", "a:yes", "t:legal", "q:submit"):
        await inprocess_bot.feed(inprocess_bot.callback_update(USER, carried(inprocess_bot, USER, data), inprocess_bot.last_live(USER)["message_id"]))
    assert await count(db, SurveyDraft) == 1
    await inprocess_bot.feed(inprocess_bot.message_update(USER, "/forget"))
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "f:yes", inprocess_bot.last_live(USER)["message_id"]))
    assert await count(db, SurveyDraft) == 0


async def test_clearing_the_chat_after_the_draft_is_gone_still_deletes_the_survey(inprocess_bot, db) -> None:
    """The draft keeps the survey's message ids for the safe exit only while it lives (never
    past the period): the "clear this chat" button still deletes the survey's messages later."""
    await complete(inprocess_bot, USER)
    thanks = inprocess_bot.last_live(USER)
    await tidy(inprocess_bot.services, inprocess_bot.services.clock() + timedelta(hours=49))
    assert await count(db, SurveyDraft) == 0
    await inprocess_bot.feed(inprocess_bot.callback_update(USER, "x:", thanks["message_id"]))
    calls = inprocess_bot.api.calls
    shown = {c.result["message_id"] for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == USER}
    deleted = {int(i) for c in calls if c.method == "deleteMessages" for i in c.params["message_ids"]}
    assert shown - {max(shown)} <= deleted  # all but the neutral line the exit leaves
