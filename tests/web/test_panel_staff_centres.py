"""An admin gives a staff member a centre or takes one away on the panel, over real HTTP: the
member's open session has the new rights on its very next request (a centre's event opens, then
is refused again), each change is audited as the admin on the web, and a wrong one (an unknown
centre, one they lack or already have, their last, a revoked member) is told beside the member
and changes nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from panel_support import csrf_in, join, seed_centres, served, signed  # noqa: F401  (served: a fixture)
from sqlalchemy import func, select

from services import events, invites
from services.roles import actor_for
from storage.models import AuditEntry, StaffCentre

KONAK, BUCA = "konak-kadin", "buca-engelli"


async def _centres(served, staff_id: int) -> list[str]:
    async with served.services.sessions() as session:
        return sorted((await session.execute(select(StaffCentre.centre_id).where(StaffCentre.staff_id == staff_id))).scalars())


async def _audited(served) -> int:
    async with served.services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()


async def test_a_centre_given_and_taken_holds_from_the_members_next_request(served) -> None:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        admin = await join(session, "admin", None, 9811, now)
        staff = await join(session, "staff", KONAK, 9812, now)
        draft = events.Draft(type="disability_activity", centre_id=BUCA, title="Spor", place="Salon",
                             starts_at=now + timedelta(hours=1), capacity=None, audience="disabled", language="tr")
        event = await events.create(session, await actor_for(session, admin), draft, publish=True, now=now)
    admin_headers, staff_headers = signed(await served.session_of(admin.id)), signed(await served.session_of(staff.id))
    event_page = f"/panel/etkinlikler/{event.id}"
    assert (await served.client.get(event_page, headers=staff_headers)).status_code == 403

    page = await served.client.get("/panel/personel", headers=admin_headers)
    assert f'action="/panel/personel/{staff.id}/merkez-ekle"' in page.text
    csrf = csrf_in(page.text)
    added = await served.client.post(f"/panel/personel/{staff.id}/merkez-ekle", headers=admin_headers,
                                     data={"csrf": csrf, "centre": BUCA})
    assert added.status_code == 303 and added.headers["location"] == "/panel/personel"
    assert await _centres(served, staff.id) == [BUCA, KONAK]
    # The same session, not signed in again: the rights are read on this request.
    assert (await served.client.get(event_page, headers=staff_headers)).status_code == 200
    listed = await served.client.get("/panel/personel", headers=admin_headers)
    assert f'action="/panel/personel/{staff.id}/merkez-cikar"' in listed.text

    removed = await served.client.post(f"/panel/personel/{staff.id}/merkez-cikar", headers=admin_headers,
                                       data={"csrf": csrf, "centre": BUCA})
    assert removed.status_code == 303
    assert (await served.client.get(event_page, headers=staff_headers)).status_code == 403
    assert await _centres(served, staff.id) == [KONAK]

    async with served.services.sessions() as session:
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.action.like("staff.centre.%"))
                                         .order_by(AuditEntry.id))).scalars().all()
    assert [(e.action, e.actor, e.object_id, e.before, e.after) for e in entries] == [
        ("staff.centre.add", f"web:staff:{admin.id}", str(staff.id), {"centres": [KONAK]}, {"centres": [BUCA, KONAK]}),
        ("staff.centre.remove", f"web:staff:{admin.id}", str(staff.id), {"centres": [BUCA, KONAK]}, {"centres": [KONAK]}),
    ]


async def test_a_wrong_centre_change_is_told_beside_the_member_and_changes_nothing(served) -> None:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        admin = await join(session, "admin", None, 9821, now)
        staff = await join(session, "staff", KONAK, 9822, now)
        gone = await join(session, "staff", KONAK, 9823, now)
        await invites.revoke(session, staff_id=gone.id, actor="cli:test", now=now)
    admin_headers, staff_headers = signed(await served.session_of(admin.id)), signed(await served.session_of(staff.id))
    csrf = csrf_in((await served.client.get("/panel/personel", headers=admin_headers)).text)
    before = await _audited(served)

    wrong = [
        (staff.id, "merkez-ekle", "nowhere", "Bilinmeyen ya da kapalı merkez"),
        (staff.id, "merkez-ekle", KONAK, "zaten var"),
        (staff.id, "merkez-cikar", BUCA, "Bu merkez hesapta yok"),
        (staff.id, "merkez-cikar", KONAK, "en az bir merkezi olmalı"),
        (gone.id, "merkez-ekle", BUCA, "yetkisi kaldırılmış"),
        (gone.id, "merkez-cikar", KONAK, "yetkisi kaldırılmış"),
    ]
    for member, change, centre, message in wrong:
        answer = await served.client.post(f"/panel/personel/{member}/{change}", headers=admin_headers,
                                          data={"csrf": csrf, "centre": centre})
        assert answer.status_code == 400, (member, change, centre)
        row = answer.text.split(f'<tr data-staff="{member}"', 1)[1].split("</tr>", 1)[0]
        shown = re.findall(r'id="centre-error">([^<]+)<', row)
        assert len(shown) == 1 and message in html.unescape(shown[0]), (change, centre, shown)
        assert answer.text.count('id="centre-error"') == 1
    unknown = await served.client.post("/panel/personel/999999/merkez-ekle", headers=admin_headers,
                                       data={"csrf": csrf, "centre": BUCA})
    assert unknown.status_code == 400 and "Böyle bir hesap yok" in unknown.text
    beyond = await served.client.post(f"/panel/personel/{2**64}/merkez-cikar", headers=admin_headers,
                                      data={"csrf": csrf, "centre": KONAK})
    assert beyond.status_code == 404
    # Without the form token, or from the member themselves: refused.
    no_token = await served.client.post(f"/panel/personel/{staff.id}/merkez-ekle", headers=admin_headers,
                                        data={"centre": BUCA})
    assert no_token.status_code == 403
    own_csrf = csrf_in((await served.client.get("/panel/", headers=staff_headers)).text)
    own = await served.client.post(f"/panel/personel/{staff.id}/merkez-ekle", headers=staff_headers,
                                   data={"csrf": own_csrf, "centre": BUCA})
    assert own.status_code == 403
    assert await _audited(served) == before
    assert (await _centres(served, staff.id), await _centres(served, gone.id)) == ([KONAK], [KONAK])
