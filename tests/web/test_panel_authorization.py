"""Every panel route against every kind of visitor and both centres, from one table: no session,
staff of centre A (Konak women's centre), staff of centre B (Buca disability centre), a manager
and an admin. Posts carry the session's form token and a value the service refuses, so an
allowed post answers 400 (no headcount below 1, no plan value without an indicator, no person to tick, no entry or
correction without its fields) and a refused one 403 or 401, and nothing changes either way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from panel_support import csrf_in, join, seed_centres, served, signed, women_event  # noqa: F401  (served: a fixture)
from sqlalchemy import func, select
from starlette.routing import Route

from services import entries, events, invites
from services.roles import actor_for
from storage.models import AuditEntry, Event, IndicatorEntry, Invite, Membership, OutboxMessage, Person
from web.panel.app import PanelSetup, panel_app

VISITORS = ("nobody", "staff_a", "staff_b", "manager", "admin")
EVENT_A, EVENT_B = "{event_a}", "{event_b}"
# 4.2.7 counts held women's events (a centre on every row); 4.2.5 an anonymous survey (none).
DRILL_EVENTS, DRILL_SURVEY = "/panel/gosterge/4.2.7", "/panel/gosterge/4.2.5"

# (method, path) -> the status each visitor gets, in the order of VISITORS.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/panel/"): (401, 200, 200, 200, 200),
    ("GET", "/panel/etkinlikler"): (401, 200, 200, 200, 200),
    ("GET", f"/panel/etkinlikler/{EVENT_A}"): (401, 200, 403, 200, 200),
    ("GET", f"/panel/etkinlikler/{EVENT_B}"): (401, 403, 200, 200, 200),
    ("POST", f"/panel/etkinlikler/{EVENT_A}/katilim"): (401, 400, 403, 400, 400),
    ("POST", f"/panel/etkinlikler/{EVENT_B}/katilim"): (401, 403, 400, 400, 400),
    ("GET", "/panel/etkinlikler/takvim"): (401, 200, 200, 200, 200),
    ("POST", f"/panel/etkinlikler/{EVENT_A}/yoklama"): (401, 400, 403, 400, 400),  # nobody named to tick
    ("POST", f"/panel/etkinlikler/{EVENT_B}/yoklama"): (401, 403, 400, 400, 400),
    ("GET", "/panel/denetim"): (401, 403, 403, 200, 200),
    ("GET", DRILL_EVENTS): (401, 200, 200, 200, 200),
    ("GET", DRILL_SURVEY): (401, 403, 403, 200, 200),
    ("GET", "/panel/anket"): (401, 403, 403, 200, 200),
    ("GET", "/panel/anket/women_support"): (401, 403, 403, 200, 200),
    ("GET", "/panel/yorumlar"): (401, 200, 200, 200, 200),
    ("GET", "/panel/basvurular"): (401, 200, 200, 200, 200),
    ("GET", "/panel/personel"): (401, 403, 403, 403, 200),
    ("POST", "/panel/personel/davet"): (401, 403, 403, 403, 400),  # no role given
    ("POST", "/panel/personel/{revoked}/kaldir"): (401, 403, 403, 403, 400),  # revoked already
    ("POST", "/panel/basvurular/{application}"): (401, 403, 403, 400, 400),  # at Karşıyaka's Alzheimer centre
    ("GET", "/panel/plan"): (401, 403, 403, 200, 200),
    ("POST", "/panel/plan"): (401, 403, 403, 400, 400),
    ("GET", "/panel/indirme"): (401, 403, 403, 200, 200),
    ("GET", "/panel/indirme/haftalik.xlsx"): (401, 403, 403, 200, 200),
    ("GET", "/panel/indirme/acik-veri.csv"): (401, 403, 403, 200, 200),
    ("GET", "/panel/indirme/yanitlar"): (401, 403, 403, 400, 400),  # no survey, days or format asked
    ("POST", "/panel/personel/{revoked}/merkez-ekle"): (401, 403, 403, 403, 400),  # revoked
    ("POST", "/panel/personel/{revoked}/merkez-cikar"): (401, 403, 403, 403, 400),  # revoked
    ("POST", "/panel/dil"): (401, 400, 400, 400, 400),  # no language chosen
    ("GET", "/panel/giris/unknown-link"): (200, 200, 200, 200, 200),
    ("POST", "/panel/giris/unknown-link"): (400, 400, 400, 400, 400),
    ("GET", "/panel/cikti"): (200, 200, 200, 200, 200),
    ("GET", "/panel/kayitlar"): (401, 200, 200, 200, 200),
    ("GET", "/panel/kayitlar/yardim"): (401, 200, 200, 200, 200),
    ("POST", "/panel/kayitlar/yardim"): (401, 400, 400, 400, 400),  # no centre, no school numbers
    ("GET", "/panel/kayitlar/asama"): (401, 403, 403, 200, 200),
    ("POST", "/panel/kayitlar/asama"): (401, 403, 403, 400, 400),  # no indicator
    ("GET", "/panel/kayitlar/{entry}"): (401, 200, 403, 200, 200),  # aid given at Konak
    ("POST", "/panel/kayitlar/{entry}/duzelt"): (401, 403, 403, 400, 400),  # no quantity, no reason
    ("POST", "/panel/cikis"): (401, 303, 303, 303, 303),  # last: it ends the session
}
# Each route of the panel app, as the table names it.
ROUTE_PATTERNS = {
    "/": "/panel/", "/giris/{token}": "/panel/giris/unknown-link", "/cikis": "/panel/cikis", "/cikti": "/panel/cikti",
    "/etkinlikler": "/panel/etkinlikler", "/etkinlikler/{event_id:int}": f"/panel/etkinlikler/{EVENT_A}",
    "/etkinlikler/{event_id:int}/katilim": f"/panel/etkinlikler/{EVENT_A}/katilim", "/denetim": "/panel/denetim", "/plan": "/panel/plan",
    "/etkinlikler/takvim": "/panel/etkinlikler/takvim",
    "/etkinlikler/{event_id:int}/yoklama": f"/panel/etkinlikler/{EVENT_A}/yoklama",
    "/indirme": "/panel/indirme", "/indirme/haftalik.xlsx": "/panel/indirme/haftalik.xlsx",
    "/indirme/acik-veri.csv": "/panel/indirme/acik-veri.csv", "/gosterge/{code}": DRILL_EVENTS,
    "/anket": "/panel/anket", "/anket/{survey_id}": "/panel/anket/women_support", "/yorumlar": "/panel/yorumlar",
    "/basvurular": "/panel/basvurular", "/basvurular/{membership_id:int}": "/panel/basvurular/{application}",
    "/personel": "/panel/personel", "/personel/davet": "/panel/personel/davet",
    "/personel/{staff_id:int}/kaldir": "/panel/personel/{revoked}/kaldir",
    "/kayitlar": "/panel/kayitlar", "/kayitlar/yardim": "/panel/kayitlar/yardim", "/kayitlar/asama": "/panel/kayitlar/asama",
    "/kayitlar/{entry_id:int}": "/panel/kayitlar/{entry}", "/kayitlar/{entry_id:int}/duzelt": "/panel/kayitlar/{entry}/duzelt",
    "/indirme/yanitlar": "/panel/indirme/yanitlar",
    "/personel/{staff_id:int}/merkez-ekle": "/panel/personel/{revoked}/merkez-ekle",
    "/personel/{staff_id:int}/merkez-cikar": "/panel/personel/{revoked}/merkez-cikar",
    "/dil": "/panel/dil",
}


def test_the_table_covers_every_route_and_method_of_the_panel() -> None:
    app = panel_app(PanelSetup(sessions=None, clock=None, zone=None, cache=None, default_year=2026,
                                 notify=None, bot_username=None, secret=b"", surveys={}, invite=None))  # type: ignore[arg-type]
    served_routes = {(method, ROUTE_PATTERNS[route.path]) for route in app.routes if isinstance(route, Route)
                     for method in route.methods or () if method != "HEAD"}
    assert served_routes == {key for key in MATRIX if EVENT_B not in key[1] and key[1] != DRILL_SURVEY}


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
        applicant = Person(citizen_key="applicant", telegram_user_id=9499, display_name="Başvuran", language="tr",
                           created_at=now)
        session.add(applicant)
        await session.flush()
        application = Membership(person_id=applicant.id, centre_id="karsiyaka-alzheimer", relation="family",
                                 member_name="Üye", identity_key="identity", contact_preference="telegram",
                                 status="pending", created_at=now)
        session.add(application)
        await session.flush()
        revoked = await join(session, "staff", "konak-kadin", 9405, now)
        await invites.revoke(session, staff_id=revoked.id, actor="cli:test", now=now)
        today = now.astimezone(served.services.zone).date()
        aid = await entries.log_aid(session, admin, centre_id="konak-kadin", occurred_on=today, school_ids=["1234"],
                                    note=None, secret=served.services.secret, now=now, today=today)
        assert aid.added == 1
        entry = (await session.execute(select(IndicatorEntry.id))).scalar_one()
        ids = {"event_a": event_a.id, "event_b": event_b.id, "application": application.id, "revoked": revoked.id,
               "entry": entry}
    token = await served.session_of(members[visitor].id) if visitor != "nobody" else None
    headers = signed(token) if token else {}
    csrf = csrf_in((await served.client.get("/panel/", headers=headers)).text) if token else "0" * 64
    audited, held, logged = await _changes(served), await _count(served, Event), await _count(served, IndicatorEntry)

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
    assert await _count(served, IndicatorEntry) == logged
    assert await _count(served, OutboxMessage) == 0 and await _count(served, Invite) == 5
    async with served.services.sessions() as session:
        statuses = (await session.execute(select(Event.status, Event.headcount))).all()
    assert sorted(statuses) == [("published", None), ("published", None)]
    async with served.services.sessions() as session:
        assert (await session.get(Membership, ids["application"])).status == "pending"  # type: ignore[union-attr]
