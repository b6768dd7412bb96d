"""The public page's requests per second and p99 against the same server returning a static file.

A database with ANSWERS stored answers (bulk inserts), `kentbot web` serving it in its own
process, and a small keep-alive HTTP/1.1 client in this one: CONNECTIONS connections at once
ask for the target page, then for the server's stylesheet, in alternating rounds, so a machine
that speeds up or slows down weighs on both alike. The first request, which computes the
figures, is timed apart; every request after it is answered from the cache.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.models import SurveyDefinition
from storage.repositories import centres

YEAR = 2026
CONNECTIONS = 8
ROUNDS = 6
REQUESTS_PER_ROUND = 1500
CHUNK = 50_000
PAGE, STATIC = "/", "/static/site.css"
LISTENING = re.compile(r"serving the public pages on http://([^:]+):(\d+)/")


async def seed_answers(url: str, answers: int) -> None:
    """Identified and anonymous responses of 10 answers each over the year, held activities with
    attendance, inserted in chunks with executemany so a million rows take seconds, not minutes."""
    rng = random.Random(7)
    engine = create_engine(url)
    now = datetime(YEAR, 12, 31, tzinfo=timezone.utc)
    ids = [centre.id for centre in load_centres()]
    async with session_factory(engine).begin() as session:
        await centres.sync(session, load_centres())
        for survey, anonymity in (("women_support", "anonymous"), ("disability_centre", "pseudonymous")):
            session.add(SurveyDefinition(survey_id=survey, version=1, content_hash="-", indicator=None,
                                         anonymity=anonymity, definition={}, created_at=now))
    responses = answers // 10
    async with engine.begin() as connection:
        value_sql = "CAST(:value AS JSONB)" if connection.dialect.name == "postgresql" else ":value"
        for start in range(0, responses, CHUNK // 10):
            rows = []
            for i in range(start, min(responses, start + CHUNK // 10)):
                survey = ("women_support", "disability_centre")[i % 2]
                rows.append({
                    "id": i + 1, "survey_id": survey, "survey_version": 1, "period": str(YEAR), "respondent_key": f"r{i}",
                    "centre_id": None if survey == "women_support" else ids[i % len(ids)], "language": "tr",
                    "satisfied": rng.random() < 0.7, "score": rng.randint(1, 5),
                    "completed_on": date(YEAR, 1, 1) + timedelta(days=rng.randrange(330)),
                })
            await connection.execute(text(
                "INSERT INTO responses (id, survey_id, survey_version, period, respondent_key, centre_id, language, "
                "satisfied, score, completed_on) VALUES (:id, :survey_id, :survey_version, :period, :respondent_key, "
                ":centre_id, :language, :satisfied, :score, :completed_on)"), rows)
            await connection.execute(text(
                f"INSERT INTO answers (response_id, question_id, value, value_number) "
                f"VALUES (:response_id, :question_id, {value_sql}, NULL)"),
                [{"response_id": row["id"], "question_id": f"q{q}", "value": "4"} for row in rows for q in range(10)])
        events = [{"id": e + 1, "centre_id": ids[e % len(ids)], "type": "disability_activity", "title": f"Etkinlik {e}",
                   "starts_at": datetime(YEAR, 1, 5, 9, tzinfo=timezone.utc) + timedelta(days=e * 3), "language": "tr",
                   "status": "held", "created_at": now} for e in range(100)]
        await connection.execute(text(
            "INSERT INTO events (id, centre_id, type, title, starts_at, language, status, created_at) "
            "VALUES (:id, :centre_id, :type, :title, :starts_at, :language, :status, :created_at)"), events)
        await connection.execute(text(
            "INSERT INTO attendance (event_id, beneficiary_key, kind, recorded_at) "
            "VALUES (:event_id, :beneficiary_key, 'walkin', :recorded_at)"),
            [{"event_id": i % 100 + 1, "beneficiary_key": f"b{i // 100}", "recorded_at": now} for i in range(20_000)])
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
    await engine.dispose()


class Connection:
    """One keep-alive HTTP/1.1 connection: a request, then its whole body, timed."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, host)

    async def get(self, path: str) -> tuple[int, float]:
        begin = time.perf_counter()
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        await self.reader.readexactly(length)
        return status, time.perf_counter() - begin

    def close(self) -> None:
        self.writer.close()


async def load(connections: list[Connection], path: str, requests: int) -> tuple[float, list[float]]:
    """`requests` GETs of `path` spread over the connections; wall seconds and each request's time."""
    timings: list[float] = []
    share = requests // len(connections)

    async def one(connection: Connection) -> None:
        for _ in range(share):
            status, seconds = await connection.get(path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            timings.append(seconds)

    begin = time.perf_counter()
    await asyncio.gather(*(one(c) for c in connections))
    return time.perf_counter() - begin, timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def public_page_figures(url: str, folder: Path, answers: int, secret: str) -> dict[str, Any]:
    seeded = time.perf_counter()
    await seed_answers(url, answers)
    seed_seconds = time.perf_counter() - seeded
    log = folder / "web.log"
    environment = {**os.environ, "DATABASE_URL": url, "KENTBOT_SECRET": secret, "KENTBOT_DATA_DIR": str(folder)}
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "bot.cli", "web", "--port", "0", "--year", str(YEAR)],
                                  env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(6000):
            found = LISTENING.search(log.read_text())
            if found or server.poll() is not None:
                break
            await asyncio.sleep(0.05)
        if not found:
            raise RuntimeError(f"kentbot web did not start: {log.read_text()[-2000:]}")
        host, port = found.group(1), int(found.group(2))
        connections = [await Connection.open(host, port) for _ in range(CONNECTIONS)]
        _, cold = await connections[0].get(PAGE)  # computes the figures
        await load(connections, PAGE, 200)
        await load(connections, STATIC, 200)
        page_wall = static_wall = 0.0
        page_times: list[float] = []
        static_times: list[float] = []
        for _ in range(ROUNDS):
            wall, times = await load(connections, PAGE, REQUESTS_PER_ROUND)
            page_wall, page_times = page_wall + wall, page_times + times
            wall, times = await load(connections, STATIC, REQUESTS_PER_ROUND)
            static_wall, static_times = static_wall + wall, static_times + times
        for connection in connections:
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    page_rps, static_rps = len(page_times) / page_wall, len(static_times) / static_wall
    return {
        "answers": answers, "seed_s": round(seed_seconds, 1), "connections": CONNECTIONS,
        "first_request_s": round(cold, 2),
        "page_requests_per_s": round(page_rps, 1), "static_requests_per_s": round(static_rps, 1),
        "ratio": round(page_rps / static_rps, 3),
        "page_p50_ms": round(statistics.median(page_times) * 1000, 2),
        "page_p99_ms": round(percentile(page_times, 0.99) * 1000, 2),
        "static_p99_ms": round(percentile(static_times, 0.99) * 1000, 2),
    }


