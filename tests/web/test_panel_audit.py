"""Signing in to and out of the panel and every download from it are in the audit log, named
as the member acting on the web; served for an https address, every page asks browsers to use
https only (Strict-Transport-Security), and over plain http it does not."""

from __future__ import annotations

from panel_support import csrf_in, join, seed_centres, served, served_behind_tls  # noqa: F401  (fixtures)
from sqlalchemy import select

from services import panel_access
from services.roles import actor_for
from storage.models import AuditEntry

COOKIE = "kentbot_panel"


async def _manager(site) -> tuple[int, str]:
    async with site.services.sessions.begin() as session:
        await seed_centres(session)
        member = await join(session, "manager", None, 9801, site.clock())
        link = await panel_access.issue_link(session, await actor_for(session, member), site.clock())
    return member.id, f"/panel/giris/{link}"


async def _panel_audit(site) -> list[tuple[str, str, str, str | None, dict | None]]:
    async with site.services.sessions() as session:
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.actor.like("web:%"))
                                         .order_by(AuditEntry.id))).scalars().all()
    return [(e.actor, e.action, e.object_type, e.object_id, e.after) for e in entries]


async def test_sign_in_sign_out_and_downloads_are_audited_as_the_member_on_the_web(served) -> None:
    staff_id, path = await _manager(served)
    signed_in = await served.client.post(path)
    assert signed_in.status_code == 303
    token = signed_in.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    served.client.cookies.clear()
    cookie = {"Cookie": f"{COOKIE}={token}"}
    assert (await served.client.get("/panel/indirme/haftalik.xlsx?donem=this_month", headers=cookie)).status_code == 200
    assert (await served.client.get("/panel/indirme/acik-veri.csv?yil=2026", headers=cookie)).status_code == 200
    csrf = csrf_in((await served.client.get("/panel/", headers=cookie)).text)
    assert (await served.client.post("/panel/cikis", headers=cookie, data={"csrf": csrf})).status_code == 303
    # A second sign-out of the ended session is no second entry.
    assert (await served.client.post("/panel/cikis", headers=cookie, data={"csrf": csrf})).status_code == 401

    who = f"web:staff:{staff_id}"
    entries = await _panel_audit(served)
    assert [(actor, action, kind, object_id) for actor, action, kind, object_id, _ in entries] == [
        (who, "panel.sign_in", "staff", str(staff_id)),
        (who, "export.workbook", "report", "this_month"),
        (who, "export.opendata", "year", "2026"),
        (who, "panel.sign_out", "staff", str(staff_id)),
    ]
    workbook = entries[1][4]
    assert workbook is not None and workbook["language"] == "tr" and workbook["from"] <= workbook["to"]


async def test_an_https_address_gets_strict_transport_security_and_plain_http_none(served, served_behind_tls) -> None:
    for path in ("/panel/cikti", "/panel/giris/unknown", "/"):
        secure = await served_behind_tls.client.get(path)
        assert secure.headers.get("strict-transport-security") == "max-age=31536000", (path, secure.headers)
        plain = await served.client.get(path)
        assert "strict-transport-security" not in plain.headers, path
