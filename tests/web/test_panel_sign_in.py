"""Signing in to the web panel through the real bot: /panel in Telegram (through the Bot API
emulator) gives a single-use link, opened over real HTTP; reuse, expiry, idle and absolute
limits, revocation and forms without the session's token are all refused."""

from __future__ import annotations

from datetime import timedelta

from panel_support import (
    COOKIE,
    csrf_in,
    join,
    later,
    link_in,
    panel,  # noqa: F401  (a fixture, used by name)
    seed_centres,
    sign_in,
    signed,
    women_event,
)
from sqlalchemy import func, select

from services import events, invites
from services.roles import actor_for
from storage.models import AuditEntry, Event, PanelLink, PanelSession
from tests.messages import says


async def _staff(panel, user_id: int, role: str = "staff", centre: str | None = "konak-kadin") -> int:
    async with panel.live.services.sessions.begin() as session:
        await seed_centres(session)
        return (await join(session, role, centre, user_id, panel.clock())).id


async def _link(panel, user) -> str:
    """The link in the bot's answer to a new /panel (a message newer than any before it)."""
    shown = [m["message_id"] for m in await user.bot_messages()]
    await user.send("/panel")
    message = await user.wait_for(lambda m: m["message_id"] not in shown and "/panel/giris/" in (m.get("text") or ""))
    return link_in(message["text"])


async def _count(panel, model, *where) -> int:
    async with panel.live.services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def test_a_citizen_gets_no_link_and_staff_sign_in_once_through_the_bot(panel) -> None:
    staff_id = await _staff(panel, 9301)
    citizen = panel.live.citizen(9399, "tr")
    await citizen.send("/panel")
    await citizen.wait_for(says("Web paneli yalnızca belediye personeli içindir"))
    assert await _count(panel, PanelLink) == 0

    staff = panel.live.citizen(9301, "tr", first_name="Zeynep")
    link = await _link(panel, staff)
    assert link.startswith(f"{panel.url}/panel/giris/")
    stored = await _count(panel, PanelLink, PanelLink.staff_id == staff_id)
    assert stored == 1
    async with panel.live.services.sessions() as session:
        kept = (await session.execute(select(PanelLink.token_hash))).scalar_one()
    assert kept not in link  # only the hash is stored

    preview = await panel.client.get(link.removeprefix(panel.url))
    assert preview.status_code == 200 and preview.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in preview.headers["content-security-policy"]
    assert preview.headers["referrer-policy"] == "no-referrer" and preview.headers["cache-control"] == "no-store"
    token = await sign_in(panel.client, link)
    home = await panel.client.get("/panel/", headers=signed(token))
    assert home.status_code == 200 and "Personel 9301" in home.text

    again = await panel.client.post(link.removeprefix(panel.url))
    assert again.status_code == 400 and "kullanılmış ya da süresi dolmuş" in again.text
    assert "set-cookie" not in again.headers
    assert (await panel.client.get("/panel/")).status_code == 401
    assert (await panel.client.get("/panel/", headers=signed("forged" + token))).status_code == 401


async def test_links_expire_after_ten_minutes_and_are_limited_per_person(panel) -> None:
    await _staff(panel, 9302, "manager", None)
    manager = panel.live.citizen(9302, "tr")
    stale = await _link(panel, manager)
    later(panel.clock, timedelta(minutes=10, seconds=1))
    refused = await panel.client.post(stale.removeprefix(panel.url))
    assert refused.status_code == 400 and "set-cookie" not in refused.headers
    assert await _count(panel, PanelSession) == 0

    for _ in range(3):
        await _link(panel, manager)
    await manager.send("/panel")
    await manager.wait_for(says("Kısa sürede çok fazla bağlantı"))
    assert await _count(panel, PanelLink) == 4


async def test_sessions_end_when_idle_too_long_and_after_eight_hours(panel) -> None:
    await _staff(panel, 9303, "admin", None)
    admin = panel.live.citizen(9303, "tr")
    idle = await sign_in(panel.client, await _link(panel, admin))
    later(panel.clock, timedelta(minutes=29))
    assert (await panel.client.get("/panel/", headers=signed(idle))).status_code == 200
    later(panel.clock, timedelta(minutes=30))
    assert (await panel.client.get("/panel/", headers=signed(idle))).status_code == 401

    busy = await sign_in(panel.client, await _link(panel, admin))
    for _ in range(19):  # active every 25 minutes: 7 h 55 min in all
        later(panel.clock, timedelta(minutes=25))
        assert (await panel.client.get("/panel/", headers=signed(busy))).status_code == 200
    later(panel.clock, timedelta(minutes=6))
    assert (await panel.client.get("/panel/", headers=signed(busy))).status_code == 401


async def test_revoking_a_member_ends_their_open_session_at_once(panel) -> None:
    staff_id = await _staff(panel, 9304)
    token = await sign_in(panel.client, await _link(panel, panel.live.citizen(9304, "tr")))
    assert (await panel.client.get("/panel/etkinlikler", headers=signed(token))).status_code == 200
    async with panel.live.services.sessions.begin() as session:
        await invites.revoke(session, staff_id=staff_id, actor="cli:test", now=panel.clock())
    assert (await panel.client.get("/panel/etkinlikler", headers=signed(token))).status_code == 401
    assert await _count(panel, PanelSession, PanelSession.ended_at.is_(None)) == 0


async def test_marking_an_event_held_needs_the_sessions_form_token_and_is_audited_as_web(panel) -> None:
    staff_id = await _staff(panel, 9305)
    async with panel.live.services.sessions.begin() as session:
        admin = await join(session, "admin", None, 9399, panel.clock())
        event = await events.create(session, await actor_for(session, admin),
                                    women_event("konak-kadin", panel.clock() + timedelta(hours=1)), publish=True,
                                    now=panel.clock())
        event_id = event.id
    token = await sign_in(panel.client, await _link(panel, panel.live.citizen(9305, "tr")))
    listed = await panel.client.get("/panel/etkinlikler", headers=signed(token))
    assert f'data-event="{event_id}"' in listed.text
    page = await panel.client.get(f"/panel/etkinlikler/{event_id}", headers=signed(token))
    csrf = csrf_in(page.text)
    audited = await _count(panel, AuditEntry)
    path = f"/panel/etkinlikler/{event_id}/katilim"

    for form in ({"headcount": "12"}, {"headcount": "12", "csrf": "0" * 64}, {"headcount": "12", "csrf": csrf[::-1]}):
        refused = await panel.client.post(path, data=form, headers=signed(token))
        assert refused.status_code == 403 and "hiçbir şey değiştirilmedi" in refused.text
    other = await sign_in(panel.client, await _link(panel, panel.live.citizen(9305, "tr")))
    assert (await panel.client.post(path, data={"headcount": "12", "csrf": csrf_in(
        (await panel.client.get("/panel/", headers=signed(other))).text)}, headers=signed(token))).status_code == 403
    wrong = await panel.client.post(path, data={"headcount": "on iki", "csrf": csrf}, headers=signed(token))
    assert wrong.status_code == 400 and "1 ile 100000 arasında" in wrong.text and 'value="on iki"' in wrong.text
    async with panel.live.services.sessions() as session:
        unchanged = await session.get(Event, event_id)
        assert (unchanged.status, unchanged.headcount) == ("published", None)
    assert await _count(panel, AuditEntry) == audited + 1  # the second sign-in, and no change

    done = await panel.client.post(path, data={"headcount": "12", "csrf": csrf}, headers=signed(token))
    assert done.status_code == 303 and done.headers["location"] == f"/panel/etkinlikler/{event_id}"
    async with panel.live.services.sessions() as session:
        held = await session.get(Event, event_id)
        entry = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))).scalar_one()
    assert (held.status, held.headcount) == ("held", 12)
    assert (entry.action, entry.actor, entry.object_id) == ("attendance.headcount", f"web:staff:{staff_id}", str(event_id))
    shown = await panel.client.get(f"/panel/etkinlikler/{event_id}", headers=signed(token))
    assert 'id="headcount" data-value="12"' in shown.text

    signed_out = await panel.client.post("/panel/cikis", data={"csrf": csrf}, headers=signed(token))
    assert signed_out.status_code == 303 and f'{COOKIE}=""' in signed_out.headers["set-cookie"]
    assert (await panel.client.get("/panel/", headers=signed(token))).status_code == 401
