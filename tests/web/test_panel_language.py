"""The language switch on every panel page, over real HTTP beside the real bot polling the Bot
API emulator: choosing English or Arabic stores the member's language (the one the bot's staff
menu speaks too, which follows) and shows the same page again in it, right to left for Arabic;
without the session's form token nothing changes, and the way back never leaves the panel."""

from __future__ import annotations

import html
import re

from panel_support import csrf_in, join, panel, seed_centres, signed  # noqa: F401  (panel: a fixture)
from sqlalchemy import select

from bot.chat import menus
from bot.i18n import t
from services import panel_access
from services.roles import actor_for
from storage.models import AuditEntry, StaffMember
from tests.waiting import eventually

_HTML = re.compile(r'<html lang="([a-z]{2})" dir="(ltr|rtl)">')
_BACK = re.compile(r'name="geri" value="([^"]*)"')


async def _language(panel, staff_id: int) -> str:
    async with panel.live.services.sessions() as session:
        member = await session.get(StaffMember, staff_id)
        assert member is not None
        return member.language


async def _menu_says(panel, user_id: int, lang: str) -> None:
    """The member's Telegram menu, set again by the bot, in `lang`."""
    wanted = t(lang, "staff.command.panel")

    async def shown() -> bool:
        await menus.sync(panel.live.services, panel.live.application.bot)
        commands = (await panel.live.emulator.commands(user_id))["commands"]
        return any(command["command"] == "panel" and command["description"] == wanted for command in commands)

    await eventually(shown, f"the staff menu of {user_id} in {lang}")


async def test_switching_language_shows_the_same_page_in_it_and_the_bot_follows(panel) -> None:
    user = panel.live.citizen(9901, "tr", first_name="Deniz")
    await user.register()
    async with panel.live.services.sessions.begin() as session:
        await seed_centres(session)
        member = await join(session, "staff", "konak-kadin", user.user_id, panel.clock())
        link = await panel_access.issue_link(session, await actor_for(session, member), panel.clock())
        token = await panel_access.redeem_link(session, link, panel.clock())
    assert token is not None
    headers = signed(token)
    await _menu_says(panel, user.user_id, "tr")

    where = "/panel/etkinlikler?sirala=title&yon=azalan"
    page = await panel.client.get(where, headers=headers)
    assert _HTML.search(page.text).groups() == ("tr", "ltr")  # type: ignore[union-attr]
    assert [html.unescape(back) for back in _BACK.findall(page.text)] == [where]
    for code, name in (("tr", "Türkçe"), ("en", "English"), ("ar", "العربية")):
        assert f'<button type="submit" name="dil" value="{code}" lang="{code}"' in page.text and name in page.text
    csrf = csrf_in(page.text)

    chosen = await panel.client.post("/panel/dil", headers=headers, data={"csrf": csrf, "dil": "en", "geri": where})
    assert chosen.status_code == 303 and chosen.headers["location"] == where
    english = await panel.client.get(chosen.headers["location"], headers=headers)
    assert _HTML.search(english.text).groups() == ("en", "ltr")  # type: ignore[union-attr]
    assert "<h1>My centres&#39; events" in english.text and "Merkezlerimin" not in english.text
    await _menu_says(panel, user.user_id, "en")

    chosen = await panel.client.post("/panel/dil", headers=headers, data={"csrf": csrf, "dil": "ar", "geri": "/panel/"})
    arabic = await panel.client.get(chosen.headers["location"], headers=headers)
    assert _HTML.search(arabic.text).groups() == ("ar", "rtl")  # type: ignore[union-attr]
    assert '<a href="/panel/">الملخص</a>' in arabic.text
    assert await _language(panel, member.id) == "ar"

    async with panel.live.services.sessions() as session:
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.action == "staff.language")
                                         .order_by(AuditEntry.id))).scalars().all()
    assert [(e.actor, e.object_id, e.before, e.after) for e in entries] == [
        (f"web:staff:{member.id}", str(member.id), {"language": "tr"}, {"language": "en"}),
        (f"web:staff:{member.id}", str(member.id), {"language": "en"}, {"language": "ar"}),
    ]


async def test_a_switch_without_the_form_token_or_to_another_site_changes_nothing_or_stays_home(panel) -> None:
    async with panel.live.services.sessions.begin() as session:
        await seed_centres(session)
        member = await join(session, "manager", None, 9902, panel.clock())
        other = await join(session, "manager", None, 9903, panel.clock())
    headers = signed(await _session(panel, member))
    other_csrf = csrf_in((await panel.client.get("/panel/", headers=signed(await _session(panel, other)))).text)
    csrf = csrf_in((await panel.client.get("/panel/", headers=headers)).text)

    for form in ({"dil": "en"}, {"dil": "en", "csrf": other_csrf}, {"dil": "en", "csrf": "0" * 64}):
        refused = await panel.client.post("/panel/dil", headers=headers, data=form)
        assert refused.status_code == 403
    assert (await panel.client.post("/panel/dil", data={"dil": "en", "csrf": csrf})).status_code == 401
    for language in ("de", "", "EN"):
        assert (await panel.client.post("/panel/dil", headers=headers, data={"csrf": csrf, "dil": language})).status_code == 400
    assert await _language(panel, member.id) == "tr"

    for away in ("https://evil.example/panel/", "//evil.example/panel/", "/disari", "/panel/../disari", "\\\\evil.example",
                 "/panel/\nSet-Cookie: x=1", ""):
        back = await panel.client.post("/panel/dil", headers=headers, data={"csrf": csrf, "dil": "en", "geri": away})
        assert back.status_code == 303 and back.headers["location"] == "/panel/", away
    assert await _language(panel, member.id) == "en"


async def test_pages_without_a_session_link_to_each_language(panel) -> None:
    signed_out = await panel.client.get("/panel/cikti?dil=ar")
    assert _HTML.search(signed_out.text).groups() == ("ar", "rtl")  # type: ignore[union-attr]
    assert 'href="/panel/cikti?dil=en" lang="en"' in signed_out.text
    refused = await panel.client.get("/panel/etkinlikler?sayfa=2&dil=en")
    assert refused.status_code == 401 and _HTML.search(refused.text).groups() == ("en", "ltr")  # type: ignore[union-attr]
    assert 'href="/panel/etkinlikler?sayfa=2&amp;dil=ar" lang="ar"' in refused.text


async def _session(panel, member: StaffMember) -> str:
    async with panel.live.services.sessions.begin() as session:
        link = await panel_access.issue_link(session, await actor_for(session, member), panel.clock())
        token = await panel_access.redeem_link(session, link, panel.clock())
    assert token is not None
    return token
