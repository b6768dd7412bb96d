"""The figures are computed once and served from memory: requests within the minute do not
aggregate the database again; after the minute, or when told of a change, one recomputation
runs and the pages show the new figures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import httpx
from page_reader import read_page

from bot.web.server import listening_socket, serving
from reports.periods import ISTANBUL
from reports.plan import load_plan
from storage.models import Event
from tests.reports.reports_db_sample import YEAR, local, seed
from tests.waiting import eventually
from web.app import public_app
from web.cache import REFRESH_SECONDS, FigureCache
from web.source import from_database


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PLAN_YEARS = sorted({year for indicator in load_plan().indicators for year in indicator.years})


@asynccontextmanager
async def pages(cache: FigureCache) -> AsyncIterator[httpx.AsyncClient]:
    sock = listening_socket("127.0.0.1", 0)
    async with serving(public_app(cache, YEAR, ISTANBUL, PLAN_YEARS), sock, grace=1), \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as client:
        yield client


async def events_shown(client: httpx.AsyncClient) -> float:
    """4.2.2's actual (held children and youth events) as the English target page shows it."""
    return read_page((await client.get("/en")).text).cards["4.2.2"]["actual"]


async def add_event(db, staff: int, day: int) -> None:
    async with db.sessions.begin() as session:
        session.add(Event(centre_id="bayrakli-masal-evi", type="children_youth", title="Masal saati",
                          starts_at=local(YEAR, 6, day), status="held", created_by=staff,
                          created_at=datetime(YEAR, 6, 1, tzinfo=timezone.utc)))


async def test_pages_are_served_from_figures_computed_once_a_minute_or_on_a_change(db) -> None:
    async with db.sessions.begin() as session:
        ids = await seed(session)
    seconds = Seconds()
    cache = FigureCache(from_database(db.sessions, ISTANBUL), clock=seconds)
    async with pages(cache) as client:
        assert await events_shown(client) == 3
        for path in ["/", "/ar", "/gosterge/4.2.9", "/en/gosterge/4.2.2", "/gosterge/4.2.2.csv"] * 4:
            assert (await client.get(path)).status_code == 200
        assert cache.computations == 1

        await add_event(db, ids["staff"], 2)
        seconds.now += REFRESH_SECONDS - 1
        assert await events_shown(client) == 3 and cache.computations == 1  # within the minute: the cached figures

        seconds.now += 1
        assert await events_shown(client) == 3  # answered at once from the figures there, while new ones are computed
        assert await eventually(lambda: _shows(client, 4), "the recomputed figures after the minute")
        assert cache.computations == 2

        await add_event(db, ids["staff"], 3)
        cache.changed()
        assert await eventually(lambda: _shows(client, 5), "the figures recomputed on a signalled change")
        assert cache.computations == 3
        body = read_page((await client.get("/en")).text).body_attrs
        assert datetime.fromisoformat(body["data-computed-at"]).tzinfo is not None


async def _shows(client: httpx.AsyncClient, actual: float) -> bool:
    return await events_shown(client) == actual


async def test_years_asked_for_at_once_are_computed_one_after_the_other(db) -> None:
    async with db.sessions.begin() as session:
        await seed(session)
    from_db = from_database(db.sessions, ISTANBUL)
    running: list[int] = []
    most = [0]

    async def counted(year: int):
        running.append(year)
        most[0] = max(most[0], len(running))
        try:
            return await from_db(year)
        finally:
            running.remove(year)

    cache = FigureCache(counted)
    async with pages(cache) as client:
        answers = await asyncio.gather(*(client.get(f"/en?yil={year}") for year in (2022, 2023, 2024, 2025, 2026)),
                                       *(client.get("/en") for _ in range(5)))
    assert [response.status_code for response in answers] == [200] * 10
    assert cache.computations == 5 and most[0] == 1


async def test_any_year_asked_for_computes_only_the_years_shown_and_tidies_once(db) -> None:
    """Every year a visitor can type costs at most one computation each, and the database is
    tidied (the pool released, a lock taken, a scrub) only for the current year's."""
    async with db.sessions.begin() as session:
        await seed(session)
    tidied = [0]

    async def tidy() -> None:
        tidied[0] += 1

    now = datetime(YEAR, 11, 20, 9, tzinfo=timezone.utc)
    cache = FigureCache(from_database(db.sessions, ISTANBUL, before=tidy, clock=lambda: now))
    async with pages(cache) as client:
        answers = [await client.get(f"/en?yil={year}") for year in range(2000, 2101)]
    shown = range(PLAN_YEARS[0], max(datetime.now(ISTANBUL).year, YEAR) + 1)
    assert [r.status_code for r in answers] == [200 if year in shown else 404 for year in range(2000, 2101)]
    assert cache.computations == len(shown) and tidied[0] == 1


async def test_settled_figures_count_every_change_signalled_before_they_were_asked_for() -> None:
    """What a panel page reads after a change: figures computed after it, even while a
    computation that started before the change is still running, whose figures the public
    pages may keep showing until then."""
    seconds = Seconds()
    computed: list[int] = []
    second_running, release_second = asyncio.Event(), asyncio.Event()

    async def compute(year: int):  # type: ignore[no-untyped-def]
        computed.append(year)
        if len(computed) == 2:
            second_running.set()
            await release_second.wait()
        return len(computed)

    cache = FigureCache(compute, clock=seconds)
    assert await cache.get(YEAR) == 1
    seconds.now += REFRESH_SECONDS
    assert await cache.get(YEAR) == 1  # the minute is over: a second computation starts behind it
    await second_running.wait()
    cache.changed()
    settled = asyncio.create_task(cache.settled(YEAR))
    release_second.set()
    assert await settled == 3  # not the second computation's, which started before the change
    assert await cache.get(YEAR) == 3 and len(computed) == 3
