"""Every panel route against every kind of visitor and both centres, from one table: no session,
staff of centre A (Konak women's centre), staff of centre B (Buca disability centre), a manager
and an admin. Posts carry the session's form token and a value the service refuses, so an
allowed post answers 400 (no headcount below 1, no plan value without an indicator) and a refused one 403 or 401, and nothing changes either way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from panel_support import csrf_in, join, seed_centres, served, signed, women_event  # noqa: F401  (served: a fixture)
from sqlalchemy import func, select
from starlette.routing import Route

from services import events
from services.roles import actor_for
from storage.models import AuditEntry, Event
from web.panel.app import PanelSetup, panel_app

VISITORS = ("nobody", "staff_a", "staff_b", "manager", "admin")
EVENT_A, EVENT_B = "{event_a}", "{event_b}"

# (method, path) -> the status each visitor gets, in the order of VISITORS.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/panel/"): (401, 200, 200, 200, 200),
    ("GET", "/panel/etkinlikler"): (401, 200, 200, 200, 200),
    ("GET", f"/panel/etkinlikler/{EVENT_A}"): (401, 200, 403, 200, 200),
    ("GET", f"/panel/etkinlikler/{EVENT_B}"): (401, 403, 200, 200, 200),
    ("POST", f"/panel/etkinlikler/{EVENT_A}/katilim"): (401, 400, 403, 400, 400),
    ("POST", f"/panel/etkinlikler/{EVENT_B}/katilim"): (401, 403, 400, 400, 400),
    ("GET", "/panel/denetim"): (401, 403, 403, 200, 200),
    ("GET", "/panel/plan"): (401, 403, 403, 200, 200),
    ("POST", "/panel/plan"): (401, 403, 403, 400, 400),
    ("GET", "/panel/indirme"): (401, 403, 403, 200, 200),
    ("GET", "/panel/indirme/haftalik.xlsx"): (401, 403, 403, 200, 200),
    ("GET", "/panel/indirme/acik-veri.csv"): (401, 403, 403, 200, 200),
    ("GET", "/panel/giris/unknown-link"): (200, 200, 200, 200, 200),
    ("POST", "/panel/giris/unknown-link"): (400, 400, 400, 400, 400),
    ("GET", "/panel/cikti"): (200, 200, 200, 200, 200),
    ("POST", "/panel/cikis"): (401, 303, 303, 303, 303),  # last: it ends the session
}
# Each route of the panel app, as the table names it.
ROUTE_PATTERNS = {
    "/": "/panel/", "/giris/{token}": "/panel/giris/unknown-link", "/cikis": "/panel/cikis", "/cikti": "/panel/cikti",
    "/etkinlikler": "/panel/etkinlikler", "/etkinlikler/{event_id:int}": f"/panel/etkinlikler/{EVENT_A}",
    "/etkinlikler/{event_id:int}/katilim": f"/panel/etkinlikler/{EVENT_A}/katilim", "/denetim": "/panel/denetim", "/plan": "/panel/plan",
    "/indirme": "/panel/indirme", "/indirme/haftalik.xlsx": "/panel/indirme/haftalik.xlsx",
    "/indirme/acik-veri.csv": "/panel/indirme/acik-veri.csv",
}


def test_the_table_covers_every_route_and_method_of_the_panel() -> None:
    app = panel_app(PanelSetup(sessions=None, clock=None, zone=None, cache=None, default_year=2026))  # type: ignore[arg-type]
    served_routes = {(method, ROUTE_PATTERNS[route.path]) for route in app.routes if isinstance(route, Route)
                     for method in route.methods or () if method != "HEAD"}
    assert served_routes == {key for key in MATRIX if EVENT_B not in key[1]}


async def _count(served, model) -> int:
    async with served.services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _changes(served) -> int:
    """Audit entries of changes: signing out and downloads are audited too, but change nothing."""
    async with served.services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.not_in(("panel.sign_in", "panel.sign_out", "export.workbook", "export.opendata"))))).scalar_one()


@pytest.mark.parametrize("visitor", VISITORS)
async def test_each_route_answers_each_visitor_as_the_table_says(served, visitor: str) -> None:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        members = {
            "staff_a": await join(session, "staff", "konak-kadin", 9401, now),
            "staff_b": await join(session, "staff", "buca-engelli", 9402, now),
            "manager": await join(session, "manager", None, 9403, now),
            "admin": await join(session, "admin", None, 9404, now),
        }
        admin = await actor_for(session, members["admin"])
        event_a = await events.create(session, admin, women_event("konak-kadin", now + timedelta(hours=1)), publish=True, now=now)
        draft_b = events.Draft(type="disability_activity", centre_id="buca-engelli", title="Spor", place="Salon",
                               starts_at=now + timedelta(hours=1), capacity=None, audience="disabled", language="tr")
        event_b = await events.create(session, admin, draft_b, publish=True, now=now)
        ids = {"event_a": event_a.id, "event_b": event_b.id}
    token = await served.session_of(members[visitor].id) if visitor != "nobody" else None
    headers = signed(token) if token else {}
    csrf = csrf_in((await served.client.get("/panel/", headers=headers)).text) if token else "0" * 64
    audited, held = await _changes(served), await _count(served, Event)

    answers = {}
    for (method, pattern), expected in MATRIX.items():
        path = pattern.format(**ids)
        if method == "GET":
            response = await served.client.get(path, headers=headers)
        else:
            response = await served.client.post(path, data={"csrf": csrf, "headcount": "0"}, headers=headers)
        answers[(method, pattern)] = (response.status_code, expected[VISITORS.index(visitor)])
    assert {key: got for key, (got, _) in answers.items()} == {key: want for key, (_, want) in answers.items()}
    assert await _changes(served) == audited and await _count(served, Event) == held
    async with served.services.sessions() as session:
        statuses = (await session.execute(select(Event.status, Event.headcount))).all()
    assert sorted(statuses) == [("published", None), ("published", None)]
