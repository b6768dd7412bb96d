"""Staff accounts on the panel over real HTTP, beside the real bot polling the Bot API emulator:
an admin invites through `kentbot staff invite`'s service (the link names the bot Telegram says
it is, and joins whoever opens it), a wrong form is told field by field and writes nothing, and
revoking a member ends their open panel session at once."""

from __future__ import annotations

import html
import re

from panel_support import csrf_in, join, panel, seed_centres, signed  # noqa: F401  (panel: a fixture)
from sqlalchemy import func, select

from bot.bot_username import resolve
from services import invites, panel_access
from services.roles import actor_for
from storage.models import AuditEntry, Invite, PanelSession, StaffMember

_LINK = re.compile(r'<a href="(https://t\.me/([A-Za-z0-9_]+)\?start=inv_([A-Za-z0-9_-]+))">')


async def _session_of(panel, member: StaffMember) -> dict[str, str]:
    async with panel.live.services.sessions.begin() as session:
        link = await panel_access.issue_link(session, await actor_for(session, member), panel.clock())
        token = await panel_access.redeem_link(session, link, panel.clock())
    assert token is not None
    return signed(token)


async def _count(panel, model) -> int:
    async with panel.live.services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_an_admin_invites_and_revokes_and_the_revoked_members_session_ends(panel) -> None:
    services = panel.live.services
    async with services.sessions.begin() as session:
        await seed_centres(session)
        admin = await join(session, "admin", None, 9951, panel.clock())
        staff = await join(session, "staff", "konak-kadin", 9952, panel.clock())
    admin_headers, staff_headers = await _session_of(panel, admin), await _session_of(panel, staff)
    page = await panel.client.get("/panel/personel", headers=admin_headers)
    assert page.status_code == 200 and re.findall(r'<tr data-staff="(\d+)" data-active="true">', page.text) == [
        str(admin.id), str(staff.id)]
    csrf = csrf_in(page.text)
    before = (await _count(panel, Invite), await _count(panel, AuditEntry))

    wrong = {
        ("staff", "", "0"): {"centre": "bir merkez seçin", "hours": "en çok 720"},
        ("boss", "nowhere", "x"): {"role": "Bir rol seçin", "centre": "Bilinmeyen", "hours": "en çok 720"},
        ("manager", "", "721"): {"hours": "en çok 720"},
    }
    for (role, centre, hours), messages in wrong.items():
        refused = await panel.client.post("/panel/personel/davet", headers=admin_headers,
                                          data={"csrf": csrf, "role": role, "centre": centre, "hours": hours})
        assert refused.status_code == 400
        shown = dict(re.findall(r'id="(role|centre|hours)-error">([^<]+)<', refused.text))
        assert set(shown) == set(messages), refused.text
        for field, message in messages.items():
            assert message in html.unescape(shown[field]), (field, shown)
        assert f'value="{hours}"' in refused.text
    assert (await _count(panel, Invite), await _count(panel, AuditEntry)) == before

    made = await panel.client.post("/panel/personel/davet", headers=admin_headers,
                                   data={"csrf": csrf, "role": "staff", "centre": "buca-engelli", "hours": "24"})
    assert made.status_code == 200
    found = _LINK.search(made.text)
    assert found is not None, made.text
    assert found.group(2) == await resolve(services.settings, None)
    async with services.sessions.begin() as session:
        entry = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))).scalar_one()
        joined = await invites.redeem(session, code=found.group(3), telegram_user_id=9953, display_name="Yeni",
                                      language="tr", now=panel.clock())
        assert (await actor_for(session, joined)).centres == frozenset({"buca-engelli"})
    assert (entry.action, entry.actor) == ("staff.invite", f"web:staff:{admin.id}")
    assert entry.after is not None and entry.after["role"] == "staff" and entry.after["centre_id"] == "buca-engelli"

    assert (await panel.client.get("/panel/", headers=staff_headers)).status_code == 200
    revoked = await panel.client.post(f"/panel/personel/{staff.id}/kaldir", headers=admin_headers, data={"csrf": csrf})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/panel/personel"
    assert (await panel.client.get("/panel/", headers=staff_headers)).status_code == 401
    async with services.sessions() as session:
        open_sessions = (await session.execute(select(func.count()).select_from(PanelSession).where(
            PanelSession.staff_id == staff.id, PanelSession.ended_at.is_(None)))).scalar_one()
        entry = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))).scalar_one()
    assert open_sessions == 0
    assert (entry.action, entry.actor, entry.object_id) == ("staff.revoke", f"web:staff:{admin.id}", str(staff.id))
    again = await panel.client.post(f"/panel/personel/{staff.id}/kaldir", headers=admin_headers, data={"csrf": csrf})
    assert again.status_code == 400 and 'id="revoke-error"' in again.text
