"""A satisfaction figure on the public pages changes only by 5 answers or more: a visitor who
compares two moments (the card polled across a release, the monthly trend, a download, a
centre's cell) never learns how one answer went."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from itertools import count

import httpx
from page_reader import read_page
from site_support import public_site

from bot.anonymous_storage import PENDING, response_to_json
from bot.config import load_settings
from bot.services import build_services
from bot.web.server import listening_socket, serving
from reports.periods import ISTANBUL
from storage.centres import load_centres
from storage.repositories import centres, pending, surveys
from storage.sealing import seal
from tests.reports.cli_support import seed_for_cli
from tests.reports.reports_db_sample import YEAR, local, seed
from tests.waiting import eventually
from web.app import public_app
from web.cache import FigureCache
from web.source import from_database

_ROW = re.compile(r'<tr><th scope="row">([^<]*)</th><td>([^< ]*)')
_keys = count()


class Now:
    """The wall clock the figures are computed at, moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@asynccontextmanager
async def pages(cache: FigureCache) -> AsyncIterator[httpx.AsyncClient]:
    sock = listening_socket("127.0.0.1", 0)
    async with serving(public_app(cache, YEAR, ISTANBUL), sock, grace=1), \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as client:
        yield client


async def answer(db, survey_id: str, day: date, *satisfied: bool, centre: str | None = None) -> None:
    """Responses as released into `responses` (an anonymous one carries only its day)."""
    async with db.sessions.begin() as session:
        for each in satisfied:
            await surveys.save_response(session, surveys.NewResponse(
                survey_id=survey_id, survey_version=1, period=f"{day.year}-Q{(day.month - 1) // 3 + 1}",
                respondent_key=f"key-{next(_keys)}", language="tr", completed_on=day, completed_at=None,
                answers={"overall": 5 if each else 2}, centre_id=centre, respondent_role=None,
                satisfied=each, score=5 if each else 2,
            ))


async def recomputed(cache: FigureCache, year: int = YEAR) -> None:
    """Tell the cache of a change and wait until a page request has recomputed the figures."""
    before = cache.computations
    cache.changed()
    await cache.get(year)
    await eventually(lambda: _after(cache, before, year), "the figures recomputed")


async def _after(cache: FigureCache, before: int, year: int) -> bool:
    await cache.get(year)
    return cache.computations > before


def rows(html: str) -> dict[str, str]:
    """The figure in the first cell of every table row, by its row heading (trend months, centres)."""
    return dict(_ROW.findall(html))


async def shown(client: httpx.AsyncClient, code: str) -> tuple[dict, dict[str, str], dict]:
    """The card's figures, the İNCELE page's table rows and the JSON download's row."""
    page = await client.get(f"/en/gosterge/{code}")
    download = await client.get(f"/gosterge/{code}.json")
    assert page.status_code == 200 and download.status_code == 200
    return read_page(page.text).cards[code], rows(page.text), download.json()[0]


async def test_one_more_answer_changes_no_published_share(db) -> None:
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        for survey_id, anonymity, indicator in (("women_support", "anonymous", "4.2.5"),
                                                ("disability_centre", "pseudonymous", "4.2.9")):
            await surveys.register_definition(
                session, survey_id=survey_id, version=1, content_hash="h1", indicator=indicator,
                anonymity=anonymity, definition={"id": survey_id}, now=local(YEAR, 1, 1))
    await answer(db, "women_support", date(YEAR, 10, 5), True, True, True, True, False)
    await answer(db, "disability_centre", date(YEAR, 10, 5), True, True, True, True, False, centre="bornova-engelli")
    now = Now(local(YEAR, 10, 31, 12))
    cache = FigureCache(from_database(db.sessions, ISTANBUL, clock=now))
    async with pages(cache) as client:
        card, table, download = await shown(client, "4.2.5")
        assert (card["actual"], card["n"], download["actual"], download["n"]) == (80.0, 5, 80.0, 5)
        assert table["October"] == "80.0%"
        _, table, _ = await shown(client, "4.2.9")
        assert table["Bornova Engelli Hizmet Merkezi"] == "80.0%"

        # November: the one woman answering is not satisfied; the pages, polled, show nothing new.
        now.at = local(YEAR, 11, 15, 12)
        await answer(db, "women_support", date(YEAR, 11, 10), False)
        await answer(db, "disability_centre", date(YEAR, 11, 10), False, centre="bornova-engelli")
        await recomputed(cache)
        card, table, download = await shown(client, "4.2.5")
        assert (card["actual"], card["n"], download["actual"], download["n"]) == (80.0, 5, 80.0, 5)
        assert (table["October"], table["November"]) == ("80.0%", "80.0%")
        card, table, _ = await shown(client, "4.2.9")
        assert (card["actual"], card["n"], table["Bornova Engelli Hizmet Merkezi"]) == (80.0, 5, "80.0%")

        # An answer released late, dated October, alters neither the frozen October point nor the card.
        await answer(db, "women_support", date(YEAR, 10, 20), False)
        await recomputed(cache)
        card, table, _ = await shown(client, "4.2.5")
        assert (card["actual"], card["n"], table["October"], table["November"]) == (80.0, 5, "80.0%", "80.0%")

        # Five answers after the published ones: a new snapshot, for November only.
        await answer(db, "women_support", date(YEAR, 11, 14), True, True, True)
        await recomputed(cache)
        card, table, download = await shown(client, "4.2.5")
        assert (card["actual"], card["n"], download["actual"], download["n"]) == (70.0, 10, 70.0, 10)
        assert (table["October"], table["November"]) == ("80.0%", "70.0%")


async def test_first_publication_merges_months_until_every_step_has_5_answers(db) -> None:
    async with db.sessions.begin() as session:
        await surveys.register_definition(
            session, survey_id="women_support", version=1, content_hash="h1", indicator="4.2.5",
            anonymity="anonymous", definition={"id": "women_support"}, now=local(YEAR, 1, 1))
    for month, answers in ((1, (True, True, True)), (2, (True, True, False)), (3, (False,)),
                           (4, (True, True, True, True, True)), (5, (False,))):
        await answer(db, "women_support", date(YEAR, month, 10), *answers)
    cache = FigureCache(from_database(db.sessions, ISTANBUL, clock=Now(local(YEAR, 5, 20, 12))))
    async with pages(cache) as client:
        card, table, _ = await shown(client, "4.2.5")
    # Month ends hold 3, 6, 7, 12, 13 answers: kept going back from May (13, the live figure),
    # March (7: 6 fewer); April (12) and February (6) are within 5 of the next one kept.
    assert (card["actual"], card["n"]) == (100 * 10 / 13, 13)
    assert [table[m] for m in ("January", "February", "March", "April", "May")] == \
        ["—", "—", "71.4%", "71.4%", "76.9%"]


async def test_polling_across_a_release_of_one_anonymous_answer_shows_nothing_new(db, monkeypatch, tmp_path,
                                                                                 capsys) -> None:
    await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)
    services = build_services(load_settings())
    today = services.clock().astimezone(services.zone).date()
    yesterday = today - timedelta(days=1)  # released at the next tidy: it waits for no batch of ten
    response = surveys.NewResponse(
        survey_id="women_support", survey_version=1, period=f"{yesterday.year}-Q{(yesterday.month - 1) // 3 + 1}",
        respondent_key="pooled-one", language="tr", completed_on=yesterday, completed_at=None,
        answers={"overall": 2}, centre_id=None, respondent_role=None, satisfied=False, score=2, id=424242,
    )
    submission = {"id": response.id, "completed_on": yesterday.isoformat(), "response": response_to_json(response)}
    async with public_site(today.year) as site:
        before = read_page((await site.client.get("/en")).text).cards["4.2.5"]
        try:
            async with services.sessions.begin() as session:
                await pending.add(session, 424242, yesterday, seal(services.secret, PENDING, "424242", submission))
        finally:
            await services.close()
        await recomputed(site.cache, today.year)  # the current year's recomputation releases the pool first
        async with db.sessions() as session:
            assert await pending.everything(session) == []
        after = read_page((await site.client.get("/en")).text).cards["4.2.5"]
    assert (after["actual"], after["n"]) == (before["actual"], before["n"])
