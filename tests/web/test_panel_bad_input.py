"""Numbers a visitor types into a panel address or form that are no number kentbot can use
(`²` passes str.isdigit but not int; a 23-digit id overflows the database) get a 400 or 404
page, and no value is read before the session is checked; an error nothing handled still gets
a 500 page with every security header and no traceback, on the panel and the public pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from panel_support import csrf_in, join, seed_centres, served, signed, women_event  # noqa: F401  (served: a fixture)
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.server import listening_socket, serving
from services import events
from services.roles import actor_for
from web.app import server_error_page
from web.headers import SECURITY_HEADERS, SecurityHeaders

SUPERSCRIPT_TWO = "%C2%B2"
HUGE = "999999999999999999999"
EVENT = "{event}"

# (visitor, method, path, form fields) -> status
TABLE: list[tuple[str, str, str, dict[str, str] | None, int]] = [
    ("nobody", "GET", f"/panel/plan?yil={SUPERSCRIPT_TWO}", None, 401),
    ("nobody", "GET", f"/panel/denetim?sayfa={SUPERSCRIPT_TWO}", None, 401),
    ("nobody", "GET", f"/panel/indirme/acik-veri.csv?yil={SUPERSCRIPT_TWO}", None, 401),
    ("nobody", "GET", f"/panel/etkinlikler?sayfa={SUPERSCRIPT_TWO}", None, 401),
    ("staff", "GET", f"/panel/etkinlikler?sayfa={SUPERSCRIPT_TWO}", None, 400),
    ("staff", "GET", f"/panel/etkinlikler?sayfa={HUGE}", None, 400),
    ("staff", "GET", "/panel/etkinlikler?sayfa=0", None, 400),
    ("staff", "GET", "/panel/etkinlikler?sayfa=7", None, 200),  # past the end: the last page
    ("staff", "GET", "/panel/etkinlikler/99999999999999999999999", None, 404),
    ("nobody", "GET", f"/panel/kayitlar?yil={SUPERSCRIPT_TWO}", None, 401),
    ("staff", "GET", f"/panel/kayitlar?yil={SUPERSCRIPT_TWO}", None, 400),
    ("staff", "GET", f"/panel/kayitlar?sayfa={HUGE}", None, 400),
    ("staff", "GET", "/panel/kayitlar/99999999999999999999999", None, 404),
    ("staff", "POST", f"/panel/etkinlikler/{EVENT}/katilim", {"headcount": "²"}, 400),
    ("staff", "POST", f"/panel/etkinlikler/{EVENT}/katilim", {"headcount": HUGE}, 400),
    ("nobody", "GET", f"/panel/etkinlikler/takvim?ay={SUPERSCRIPT_TWO}", None, 401),
    ("staff", "GET", f"/panel/etkinlikler/takvim?ay={SUPERSCRIPT_TWO}", None, 400),
    ("staff", "GET", "/panel/etkinlikler/takvim?ay=13", None, 400),
    ("staff", "GET", f"/panel/etkinlikler/takvim?yil={HUGE}&ay=1", None, 400),
    ("staff", "GET", "/panel/etkinlikler/takvim?yil=2100&ay=12", None, 200),  # the last month: no next link
    ("staff", "POST", f"/panel/etkinlikler/{EVENT}/yoklama", {"person": HUGE, "present": "1"}, 400),
    ("staff", "POST", f"/panel/etkinlikler/{EVENT}/yoklama", {"person": "²", "present": "1"}, 400),
    ("manager", "GET", f"/panel/denetim?sayfa={SUPERSCRIPT_TWO}", None, 400),
    ("manager", "GET", f"/panel/denetim?sayfa={HUGE}", None, 400),
    ("manager", "GET", "/panel/denetim?sayfa=99999", None, 200),  # an empty page
    ("manager", "GET", f"/panel/plan?yil={SUPERSCRIPT_TWO}", None, 400),
    ("manager", "GET", "/panel/plan?yil=1999", None, 400),
    ("manager", "GET", f"/panel/indirme/acik-veri.csv?yil={SUPERSCRIPT_TWO}", None, 400),
    ("manager", "POST", "/panel/plan", {"code": "4.2.7", "year": "²", "planned": "5", "baseline": ""}, 400),
    ("manager", "POST", "/panel/plan", {"code": "4.2.7", "year": "٢٠٢٦", "planned": "5", "baseline": ""}, 400),
    ("admin", "POST", f"/panel/personel/{HUGE}/kaldir", {}, 404),
    ("admin", "POST", f"/panel/personel/{HUGE}/merkez-ekle", {"centre": "konak-kadin"}, 404),
]


def assert_secured(response: httpx.Response, no_store: bool = True) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers)
    if no_store:
        assert response.headers.get("cache-control") == "no-store"
    assert "Traceback" not in response.text and "Error:" not in response.text


async def _visitors(served) -> tuple[dict[str, dict[str, str]], int]:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        manager = await join(session, "manager", None, 9601, now)
        staff = await join(session, "staff", "konak-kadin", 9602, now)
        admin = await join(session, "admin", None, 9603, now)
        event = await events.create(session, await actor_for(session, manager),
                                    women_event("konak-kadin", now + timedelta(hours=1)), publish=True, now=now)
    headers = {"nobody": {}, "staff": signed(await served.session_of(staff.id)),
               "manager": signed(await served.session_of(manager.id)), "admin": signed(await served.session_of(admin.id))}
    return headers, event.id


async def test_numbers_that_are_none_get_a_page_saying_so_never_a_500(served) -> None:
    headers, event_id = await _visitors(served)
    csrf = {who: csrf_in((await served.client.get("/panel/", headers=headers[who])).text) for who in ("staff", "manager", "admin")}
    seen = []
    for who, method, path, form, _ in TABLE:
        path = path.replace(EVENT, str(event_id))
        if method == "GET":
            response = await served.client.get(path, headers=headers[who])
        else:
            response = await served.client.post(path, headers=headers[who], data={"csrf": csrf[who], **(form or {})})
        assert_secured(response)
        seen.append(response.status_code)
    assert seen == [status for *_, status in TABLE]


async def test_an_unexpected_panel_error_is_a_500_page_with_the_headers(served) -> None:
    headers, _ = await _visitors(served)
    async with served.services.sessions.begin() as session:
        await session.execute(text("ALTER TABLE events RENAME TO events_away"))
    try:
        response = await served.client.get("/panel/etkinlikler", headers=headers["staff"])
    finally:
        async with served.services.sessions.begin() as session:
            await session.execute(text("ALTER TABLE events_away RENAME TO events"))
    assert response.status_code == 500
    assert_secured(response)
    assert "Beklenmeyen bir hata oluştu" in response.text and "events" not in response.text


async def _failing(request: Request) -> Response:
    raise RuntimeError("a detail no visitor may read")


@pytest.fixture
async def failing_site() -> AsyncIterator[httpx.AsyncClient]:
    """A route that fails, behind the public pages' own middleware and 500 page."""
    app = Starlette(routes=[Route("/en/boom", _failing)])
    app.add_middleware(SecurityHeaders, error_page=server_error_page)
    sock = listening_socket("127.0.0.1", 0)
    async with serving(app, sock, grace=1), \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as client:
        yield client


async def test_an_unexpected_public_error_is_a_500_page_with_the_headers(failing_site) -> None:
    response = await failing_site.get("/en/boom")
    assert response.status_code == 500
    assert_secured(response, no_store=False)
    assert "An unexpected error occurred" in response.text and "no visitor may read" not in response.text


async def test_a_panel_redirect_stays_on_this_site_whatever_the_host_header(served) -> None:
    for path, target in (("/panel", "/panel/"), ("/panel/denetim/", "/panel/denetim")):
        response = await served.client.get(path, headers={"Host": "evil.example"})
        assert response.status_code in (302, 303, 307, 308), path
        assert response.headers["location"] == target, path
