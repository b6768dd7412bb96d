"""`make bench`: kentbot's capacity, each figure beside a baseline measured in the same run.

Prints ONE JSON line. Sizes are small by default so the run takes a few minutes on a 2-core
machine; `--full` uses the sizes in docs/performance.md (1,000,000 answers, 100,000
attendance rows). PostgreSQL figures need KENTBOT_BENCH_POSTGRES_URL (or
KENTBOT_TEST_POSTGRES_URL): a scratch database is created there and dropped afterwards.

1. flow: updates/s of the full survey flow through Application.process_update, the Bot API
   answered in process, against a bare PTB application whose one handler inserts an answer row
   with the same driver and replies; p50/p99 handling time per update.
2. workers (PostgreSQL): two worker processes against one, on the same database.
3. aggregation: the yearly indicator aggregation (reports.aggregate.observe_year) over the
   seeded answers and attendance, against one raw SQL aggregate over the same rows.
4. outbox: drain rate against the emulator's flood control, as a share of the configured cap.
5. slow_telegram: 40 people at once while every Bot API call takes 50 ms, as over a real
   network: updates/s and updates that failed, on each database, and SQLite's figure as a share
   of PostgreSQL's. A turn commits before it talks to Telegram, so SQLite's one writer is held
   only for the turn's two short transactions, not for its round trips.

6. public_page: the public target page's requests/s and p99 at 1,000,000 stored answers (at
   every size), against the same `kentbot web` process returning its static stylesheet, as a
   ratio (tests/benchmarks/public_page.py).

`--only flow,slow_telegram` runs some of them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, TypeHandler  # noqa: E402

from bot.app import build_application, post_init  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.outbox import Drainer, RateLimiter  # noqa: E402
from bot.services import build_services  # noqa: E402
from devtools.emulator import EmulatorClient, EmulatorConfig, start_emulator  # noqa: E402
from storage.centres import load_centres  # noqa: E402
from storage.database import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Answer, Response, SurveyDefinition  # noqa: E402
from storage.repositories import centres, outbox  # noqa: E402
from tests.benchmarks.public_page import public_page_figures  # noqa: E402
from tests.support.inprocess_bot_api import InProcessBotApi  # noqa: E402

TOKEN = "123456789:kentbot-bench-token"
SECRET = "bench-secret-0123456789abcdef"
YEAR = 2026


# --- databases --------------------------------------------------------------------------------


async def scratch_database(backend: str, admin_url: str | None, folder: Path) -> tuple[str, Any]:
    """A migrated empty database and a coroutine function that removes it."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}"

        async def drop() -> None:
            return None
    else:
        assert admin_url is not None
        name = f"kentbot_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

        async def drop() -> None:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url, drop


def settings_for(url: str, folder: Path, base_url: str = "http://in-process.invalid") -> Any:
    return load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, DATABASE_URL=url,
        KENTBOT_SECRET=SECRET, KENTBOT_DATA_DIR=str(folder),
    )


# --- 1. the survey flow against a bare application ------------------------------------------


class Citizen:
    """Plays one person through onboarding and the disability-centre survey, by the keyboards
    the bot really showed; builds each update outside the timed region."""

    def __init__(self, user_id: int, update_ids: list[int]) -> None:
        self.user_id, self.update_ids, self.message_id = user_id, update_ids, 0

    def _next(self) -> int:
        self.update_ids[0] += 1
        return self.update_ids[0]

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": "Bench", "language_code": "tr"}

    def message(self, text: str) -> dict[str, Any]:
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": 10_000_000 + self.message_id, "date": 1764000000,
            "chat": {"id": self.user_id, "type": "private"}, "from": self._user(), "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": self._next(), "message": message}

    def press(self, data: str, message_id: int) -> dict[str, Any]:
        return {
            "update_id": self._next(),
            "callback_query": {
                "id": uuid.uuid4().hex, "from": self._user(), "chat_instance": "1", "data": data,
                "message": {"message_id": message_id, "date": 1764000000, "chat": {"id": self.user_id, "type": "private"},
                            "from": {"id": 123456789, "is_bot": True, "first_name": "kentbot"}, "text": "…"},
            },
        }

    def next_update(self, api: InProcessBotApi, step: int) -> dict[str, Any] | None:
        if step == 0:
            return self.message("/start")
        live = _live_keyboard(api, self.user_id)
        if live is None:
            return None
        message_id, data, text = live
        if "Görüş ya da önerinizi" in text:
            return self.message("Teşekkürler, her şey yolunda.")
        for wanted in ("l:tr", "c:yes", "s:disability_centre"):
            # Before consent the language and consent buttons carry what they need ("c:yes.tr").
            pressed = next((d for d in data if d == wanted or d.startswith(f"{wanted}.")), None)
            if pressed is not None:
                return self.press(pressed, message_id)
        if any(d.startswith("t:") for d in data):
            toggled = [d for d in data if d.startswith("t:")]
            return self.press(toggled[0] if step % 2 else "q:submit", message_id)
        answers = [d for d in data if d.startswith("a:")]
        if "a:carer" in answers:  # as a carer: the same steps in every round, no health consent
            return self.press("a:carer", message_id)
        if answers:
            return self.press(answers[min(1, len(answers) - 1)], message_id)
        for nav in ("q:next", "q:submit", "q:skip"):
            if nav in data:
                return self.press(nav, message_id)
        return None


def _live_keyboard(api: InProcessBotApi, chat_id: int) -> tuple[int, list[str], str] | None:
    """The newest question sent to the chat (edits only close older ones, alongside the sends)."""
    for call in reversed(api.calls):
        if call.method == "sendMessage" and int(call.params.get("chat_id", 0)) == chat_id:
            markup = call.params.get("reply_markup")
            markup = json.loads(markup) if isinstance(markup, str) else markup
            data = [b["callback_data"] for row in (markup or {}).get("inline_keyboard", []) for b in row if "callback_data" in b]
            text_ = call.params.get("text") or ""
            if data or "Görüş ya da önerinizi" in text_:
                return int(call.result["message_id"]), data, text_
            if "Görüşleriniz bizim için değerli" in text_:
                return None
    return None


class KentbotFlow:
    """The real application, built once and fed round after round, as a running worker is."""

    def __init__(self, url: str, folder: Path) -> None:
        self.services = build_services(settings_for(url, folder))
        self.api = InProcessBotApi()
        self.application = build_application(self.services, TOKEN, request=self.api)
        # Measure handling, not Telegram's 30 messages/s cap: the cap applies to both sides alike.
        self.application.bot._rate_limiter = None  # noqa: SLF001
        self.completed = 0

    async def __aenter__(self) -> KentbotFlow:
        await self.application.initialize()
        await post_init(self.application)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.application.shutdown()
        await self.services.close()

    async def run(self, users: range, counter: list[int]) -> tuple[list[float], list[dict[str, Any]]]:
        """Handling time of every update of `users` completing the survey; returns the updates too."""
        timings: list[float] = []
        fed: list[dict[str, Any]] = []
        for user_id in users:
            citizen = Citizen(user_id, counter)
            for step in range(60):
                raw = citizen.next_update(self.api, step)
                if raw is None:
                    break
                update = Update.de_json(raw, self.application.bot)
                begin = time.perf_counter()
                await self.application.process_update(update)
                timings.append(time.perf_counter() - begin)
                fed.append(raw)
            # The harness keeps no more than the current citizen needs: a growing heap would make
            # every garbage collection during the timed handling slower, round after round.
            self.api.calls.clear()
        async with self.services.sessions() as session:
            completed = (await session.execute(text("SELECT count(*) FROM responses WHERE survey_id <> 'bare'"))).scalar_one()
        if completed - self.completed < len(users):
            raise RuntimeError(f"only {completed - self.completed} of {len(users)} simulated citizens completed the survey")
        self.completed = completed
        return timings, fed


class BareFlow:
    """The least an update can cost with the same driver: one INSERT in a transaction, one reply."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessions = session_factory(self.engine)
        self.application = ApplicationBuilder().token(TOKEN).request(InProcessBotApi()).updater(None).build()
        self.application.add_handler(TypeHandler(Update, self.handle))
        self.response_id = 0

    async def __aenter__(self) -> BareFlow:
        async with self.sessions.begin() as session:
            session.add(SurveyDefinition(survey_id="bare", version=1, content_hash="-", indicator=None, anonymity="anonymous", definition={}, created_at=datetime.now(timezone.utc)))
            await session.flush()
            response = Response(survey_id="bare", survey_version=1, period="2026", respondent_key=uuid.uuid4().hex, language="tr", completed_on=date.today())
            session.add(response)
            await session.flush()
            self.response_id = response.id
        await self.application.initialize()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.application.shutdown()
        await self.engine.dispose()

    async def handle(self, update: Update, context: Any) -> None:
        async with self.sessions.begin() as session:
            session.add(Answer(response_id=self.response_id, question_id="q", value=update.update_id, value_number=None))
        await context.bot.send_message(update.effective_chat.id, "ok")

    async def run(self, updates: list[dict[str, Any]]) -> list[float]:
        timings: list[float] = []
        for raw in updates:
            update = Update.de_json(raw, self.application.bot)
            begin = time.perf_counter()
            await self.application.process_update(update)
            timings.append(time.perf_counter() - begin)
        return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


FLOW_ROUNDS = 5
WARM_UP_USERS = 2


async def flow_figures(backend: str, admin_url: str | None, folder: Path, users: int) -> dict[str, Any]:
    """kentbot and the bare baseline take turns, a batch of citizens each, so a machine that
    speeds up or slows down during the run weighs on both alike. Each side first handles a
    few citizens untimed: a running worker has its statements compiled and its code warm."""
    url, drop = await scratch_database(backend, admin_url, folder)
    timings: list[float] = []
    bare: list[float] = []
    batch = max(1, users // FLOW_ROUNDS)
    counter = [1_000_000]
    try:
        async with KentbotFlow(url, folder) as kentbot, BareFlow(url) as baseline:
            _, warm_up = await kentbot.run(range(400_001, 400_001 + WARM_UP_USERS), counter)
            await baseline.run(warm_up)
            for first in range(0, users, batch):
                kent, updates = await kentbot.run(range(500_001 + first, 500_001 + min(users, first + batch)), counter)
                timings += kent
                bare += await baseline.run(updates)
    finally:
        await drop()
    kent_ups, bare_ups = len(timings) / sum(timings), len(bare) / sum(bare)
    return {
        "updates": len(timings),
        "kentbot_updates_per_s": round(kent_ups, 1),
        "bare_updates_per_s": round(bare_ups, 1),
        "ratio": round(kent_ups / bare_ups, 3),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 2),
        "bare_p50_ms": round(statistics.median(bare) * 1000, 2),
    }


# --- 2. worker processes on PostgreSQL ------------------------------------------------------


def run_workers(url: str, folder: Path, processes: int, users: int, first_user: int) -> dict[str, Any]:
    """`users` new citizens split over `processes` workers, each with its own update ids."""
    share = users // processes
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", url, str(first_user + i * share), str(share),
             str(first_user * 10 + i * 1_000_000), str(folder)],
            stdout=subprocess.PIPE, text=True,
        )
        for i in range(processes)
    ]
    results = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    if any(child.returncode for child in children):
        raise RuntimeError("a benchmark worker failed")
    updates = sum(r["updates"] for r in results)
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return {"updates": updates, "updates_per_s": round(updates / wall, 1)}


async def worker_main(url: str, first_user: int, users: int, first_update_id: int, folder: str) -> None:
    async with KentbotFlow(url, Path(folder)) as kentbot:
        started = time.time()
        timings, _ = await kentbot.run(range(first_user, first_user + users), [first_update_id])
        ended = time.time()
    print(json.dumps({"updates": len(timings), "started": started, "ended": ended}))


async def worker_figures(admin_url: str, folder: Path, users: int) -> dict[str, Any]:
    url, drop = await scratch_database("postgresql", admin_url, folder)
    try:
        one = await asyncio.to_thread(run_workers, url, folder, 1, users, 600_001)
        two = await asyncio.to_thread(run_workers, url, folder, 2, users, 700_001)
    finally:
        await drop()
    return {
        "cpu_count": os.cpu_count(),
        "one_process_updates_per_s": one["updates_per_s"],
        "two_processes_updates_per_s": two["updates_per_s"],
        "ratio": round(two["updates_per_s"] / one["updates_per_s"], 3),
    }


# --- 3. the yearly aggregation ----------------------------------------------------------------


async def seed_year(url: str, answers: int, attendance: int) -> None:
    """Responses (10 answers each) for both surveys, held activities and their attendance."""
    rng = random.Random(42)
    responses = answers // 10
    engine = create_engine(url)
    now = datetime(YEAR, 12, 31, tzinfo=timezone.utc)
    async with session_factory(engine).begin() as session:
        await centres.sync(session, load_centres())
        for survey in ("women_support", "disability_centre"):
            session.add(SurveyDefinition(survey_id=survey, version=1, content_hash="-", indicator=None, anonymity="anonymous", definition={}, created_at=now))
    async with engine.begin() as connection:
        centre = load_centres()[0].id
        day0 = date(YEAR, 1, 1)
        response_rows = [
            {"id": i + 1, "survey_id": ("women_support", "disability_centre")[i % 2], "survey_version": 1, "period": "2026",
             "respondent_key": f"r{i}", "centre_id": centre, "language": "tr", "satisfied": rng.random() < 0.7,
             "score": rng.randint(1, 5), "completed_on": day0 + timedelta(days=rng.randrange(365))}
            for i in range(responses)
        ]
        answer_rows = [
            {"response_id": i // 10 + 1, "question_id": f"q{i % 10}", "value": json.dumps(rng.randint(1, 5)), "value_number": None}
            for i in range(answers)
        ]
        events = max(1, attendance // 200)
        event_rows = [
            {"id": e + 1, "centre_id": centre, "type": "disability_activity", "title": f"Etkinlik {e}",
             "starts_at": datetime(YEAR, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=e * 365 // events),
             "language": "tr", "status": "held", "created_at": now}
            for e in range(events)
        ]
        attendance_rows = [
            {"event_id": i % events + 1, "beneficiary_key": f"b{(i * 7919) % (attendance // 3 + 1)}-{i % events}", "kind": "walkin", "recorded_at": now}
            for i in range(attendance)
        ]
        await connection.execute(text(
            "INSERT INTO responses (id, survey_id, survey_version, period, respondent_key, centre_id, language, satisfied, score, completed_on) "
            "VALUES (:id, :survey_id, :survey_version, :period, :respondent_key, :centre_id, :language, :satisfied, :score, :completed_on)"
        ), response_rows)
        value_sql = "CAST(:value AS JSONB)" if connection.dialect.name == "postgresql" else ":value"
        for start in range(0, len(answer_rows), 50_000):
            await connection.execute(text(
                f"INSERT INTO answers (response_id, question_id, value, value_number) VALUES (:response_id, :question_id, {value_sql}, :value_number)"
            ), answer_rows[start:start + 50_000])
        await connection.execute(text(
            "INSERT INTO events (id, centre_id, type, title, starts_at, language, status, created_at) "
            "VALUES (:id, :centre_id, :type, :title, :starts_at, :language, :status, :created_at)"
        ), event_rows)
        await connection.execute(text(
            "INSERT INTO attendance (event_id, beneficiary_key, kind, recorded_at) VALUES (:event_id, :beneficiary_key, :kind, :recorded_at)"
        ), attendance_rows)
        if connection.dialect.name == "postgresql":
            for table in ("responses", "events"):
                await connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
    await engine.dispose()


RAW_AGGREGATE = """
SELECT r.survey_id, count(*), sum(CASE WHEN r.satisfied THEN 1 ELSE 0 END),
       (SELECT count(DISTINCT a.beneficiary_key) FROM attendance a JOIN events e ON e.id = a.event_id
         WHERE e.status = 'held' AND e.type = 'disability_activity')
FROM responses r WHERE r.completed_on BETWEEN :first AND :last GROUP BY r.survey_id
"""


async def aggregation_figures(backend: str, admin_url: str | None, folder: Path, answers: int, attendance: int) -> dict[str, Any]:
    url, drop = await scratch_database(backend, admin_url, folder)
    try:
        seeded = time.perf_counter()
        await seed_year(url, answers, attendance)
        seed_seconds = time.perf_counter() - seeded
        engine = create_engine(url)
        sessions = session_factory(engine)
        async with sessions() as session:
            begin = time.perf_counter()
            await session.execute(text(RAW_AGGREGATE), {"first": date(YEAR, 1, 1), "last": date(YEAR, 12, 31)})
            raw_seconds = time.perf_counter() - begin
        try:
            from reports.aggregate import observe_year

            measured = "reports.aggregate.observe_year"
        except ImportError:
            observe_year, measured = None, "raw GROUP BY only (reports.aggregate not importable)"

        async def aggregate() -> Any:
            async with sessions() as session:
                if observe_year is not None:
                    return await observe_year(session, YEAR)
                return (await session.execute(text(RAW_AGGREGATE), {"first": date(YEAR, 1, 1), "last": date(YEAR, 12, 31)})).all()

        begin = time.perf_counter()
        observed = await aggregate()
        seconds = time.perf_counter() - begin
        # Memory in a second pass: tracing allocations slows Python down too much to time it.
        tracemalloc.start()
        await aggregate()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await engine.dispose()
    finally:
        await drop()
    return {
        "answers": answers, "attendance": attendance, "measured": measured, "seed_s": round(seed_seconds, 1),
        "seconds": round(seconds, 3), "peak_python_mb": round(peak / 2**20, 1),
        "raw_sql_seconds": round(raw_seconds, 3), "ratio_to_raw_sql": round(seconds / raw_seconds, 2),
        "indicators": len(observed),
    }


# --- 4. the outbox drain ----------------------------------------------------------------------


async def outbox_figures(folder: Path, messages: int, cap: float) -> dict[str, Any]:
    url, drop = await scratch_database("sqlite", None, folder)
    runner, base = await start_emulator("127.0.0.1", 0, EmulatorConfig(tokens=(TOKEN,), global_rate=int(cap), per_chat_rate=1))
    client = EmulatorClient(base)
    try:
        chats = list(range(700_001, 700_001 + messages))
        for chat in chats:
            await client.create_user(chat, "Bench")
            await client.send_message(chat, {"text": "/start"})
        services = build_services(settings_for(url, folder, base))
        now = datetime.now(timezone.utc)
        async with services.sessions.begin() as session:
            for chat in chats:
                await outbox.enqueue(session, dedupe_key=f"bench:{chat}", chat_id=chat, kind="notice", payload={"text": "Duyuru"}, not_before=now, now=now)
        from telegram import Bot

        async with Bot(TOKEN, base_url=client.bot_base_url) as bot:
            drainer = Drainer(services, bot, RateLimiter(cap, 1))
            begin = time.perf_counter()
            stats = await drainer.drain()
            seconds = time.perf_counter() - begin
        metrics = await client.metrics()
        await services.close()
    finally:
        await client.aclose()
        await runner.cleanup()
        await drop()
    rate = stats.sent / seconds
    return {
        "messages": messages, "cap_per_s": cap, "sent": stats.sent, "per_s": round(rate, 2),
        "share_of_cap": round(rate / cap, 3), "too_many_requests": metrics["too_many_requests"],
    }


# --- 5. many people at once, with a network between the bot and Telegram ----------------


async def slow_telegram_figures(backend: str, admin_url: str | None, folder: Path, people: int, latency: float) -> dict[str, Any]:
    """`people` citizens take the survey side by side, every Bot API answer `latency` late."""
    url, drop = await scratch_database(backend, admin_url, folder)
    services = build_services(settings_for(url, folder))
    api = InProcessBotApi(latency=latency)
    application = build_application(services, TOKEN, request=api)
    application.bot._rate_limiter = None  # noqa: SLF001  (Telegram's cap would hide the database)
    counter = [3_000_000]
    handled: list[int] = []
    failed: list[object] = []

    async def note_failure(_update: object, context: Any) -> None:
        failed.append(context.error)

    application.add_error_handler(note_failure)

    async def citizen(user_id: int) -> None:
        person = Citizen(user_id, counter)
        for step in range(60):
            raw = person.next_update(api, step)
            if raw is None:
                return
            await application.process_update(Update.de_json(raw, application.bot))
            handled.append(user_id)

    try:
        async with application:
            await post_init(application)
            begin = time.perf_counter()
            await asyncio.gather(*(citizen(800_001 + n) for n in range(people)))
            seconds = time.perf_counter() - begin
        async with services.sessions() as session:
            completed = (await session.execute(text("SELECT count(*) FROM responses"))).scalar_one()
    finally:
        await services.close()
        await drop()
    return {
        "people_at_once": people, "latency_ms": round(latency * 1000), "updates": len(handled),
        "updates_per_s": round(len(handled) / seconds, 1), "failed": len(failed), "completed_surveys": completed,
    }


# --- main -------------------------------------------------------------------------------------


PARTS = ("flow", "workers", "aggregation", "outbox", "slow_telegram", "public_page")
PUBLIC_PAGE_ANSWERS = 1_000_000


@dataclass
class Sizes:
    users: int
    worker_users: int
    answers: int
    attendance: int
    messages: int
    people_at_once: int


async def main(args: argparse.Namespace) -> dict[str, Any]:
    sizes = Sizes(300, 200, 1_000_000, 100_000, 900, 40) if args.full else Sizes(60, 60, 200_000, 20_000, 240, 40)
    only = set(args.only.split(",")) if args.only else set(PARTS)
    admin_url = args.postgres or os.environ.get("KENTBOT_BENCH_POSTGRES_URL") or os.environ.get("KENTBOT_TEST_POSTGRES_URL")
    if admin_url:
        admin_url = admin_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    backends = ["sqlite"] + (["postgresql"] if admin_url else [])
    result: dict[str, Any] = {
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "sizes": "full" if args.full else "default", "flow": {}, "aggregation": {}, "slow_telegram": {}, "public_page": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "flow" in only:
            for backend in backends:
                result["flow"][backend] = await flow_figures(backend, admin_url, folder, sizes.users)
        if "workers" in only:
            result["workers"] = await worker_figures(admin_url, folder, sizes.worker_users) if admin_url else "skipped: no PostgreSQL"
        if "aggregation" in only:
            for backend in backends:
                result["aggregation"][backend] = await aggregation_figures(backend, admin_url, folder, sizes.answers, sizes.attendance)
        if "outbox" in only:
            result["outbox"] = await outbox_figures(folder, sizes.messages, cap=30.0)
        if "slow_telegram" in only:
            slow = result["slow_telegram"]
            for backend in backends:
                slow[backend] = await slow_telegram_figures(backend, admin_url, folder, sizes.people_at_once, 0.05)
            if "postgresql" in slow:
                slow["sqlite_to_postgresql"] = round(slow["sqlite"]["updates_per_s"] / slow["postgresql"]["updates_per_s"], 3)
        if "public_page" in only:
            for backend in backends:
                url, drop = await scratch_database(backend, admin_url, folder)
                try:
                    result["public_page"][backend] = await public_page_figures(url, folder, PUBLIC_PAGE_ANSWERS, SECRET)
                finally:
                    await drop()
    return result


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        asyncio.run(worker_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the full sizes (takes longer)")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server for the PostgreSQL figures")
    parser.add_argument("--only", help=f"comma-separated parts to run, of {','.join(PARTS)} (default: all)")
    import logging

    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
