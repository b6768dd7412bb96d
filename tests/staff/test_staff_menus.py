"""Staff chats get their own command menu; managers and admins also see the report commands."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat import menus
from bot.chat.menus import staff_commands
from services.roles import Actor
from storage.repositories import staff as staff_store
from tests.waiting import eventually


def _as(role: str) -> Actor:
    """A member of this role, as the menu sees them."""
    return Actor(1, role, frozenset(), "Ayşe", "tr")


@pytest.mark.parametrize(("role", "sees_reports"), [("staff", False), ("manager", True), ("admin", True)])
def test_report_commands_only_for_managers(role: str, sees_reports: bool) -> None:
    names = [command.command for command in staff_commands("tr", _as(role))]
    assert ("rapor" in names) is sees_reports and ("abone" in names) is sees_reports
    assert names[0] == "etkinlik_yeni" and "start" in names and "panel" in names
    assert len(names) == len(set(names))


def test_menus_are_translated() -> None:
    english = {c.command: c.description for c in staff_commands("en", _as("manager"))}
    arabic = {c.command: c.description for c in staff_commands("ar", _as("manager"))}
    assert english["subscribe"] == "Subscribe to the weekly report"
    assert arabic["subscribe"] == "الاشتراك في التقرير الأسبوعي"


async def test_menus_are_set_without_holding_the_database(inprocess_bot, db, crew) -> None:
    """While Telegram is slow to take the staff menus, a citizen's message is still answered."""
    bot = inprocess_bot
    async with db.sessions() as session:
        pending = len(await staff_store.menus_to_sync(session))
    assert pending >= 4
    bot.api.latency = 0.2
    syncing = asyncio.ensure_future(menus.sync(bot.services, bot.application.bot))
    async def first_menu_taken() -> bool:  # the others are still on their way to Telegram
        return any(call.method == "setMyCommands" for call in bot.api.calls)

    await eventually(first_menu_taken, "Telegram to take the first staff menu")
    await bot.feed(bot.message_update(9801, "/start"))
    assert not syncing.done(), "the citizen waited for every staff menu"
    assert await syncing == pending
    assert any(call.method == "sendMessage" and int(call.params["chat_id"]) == 9801 for call in bot.api.calls)


async def test_a_menu_is_not_marked_when_rights_changed_meanwhile(db, crew) -> None:
    async with db.sessions.begin() as session:
        # The menu was removed for a member who was made active again in the meantime.
        assert not await staff_store.mark_menu(session, crew.manager.staff_id, shown=False)
        assert await staff_store.mark_menu(session, crew.manager.staff_id, shown=True)
    async with db.sessions() as session:
        assert crew.manager.staff_id not in [m.id for m in await staff_store.menus_to_sync(session)]
