"""The staff command menu, shown only in staff members' own chats (BotCommandScopeChat).

Citizens see the default menu. The database says who should see the staff menu; this module
makes Telegram agree, right after an invite is redeemed and from a periodic job (so a member
revoked from the command line loses the menu too, also if Telegram was briefly unreachable).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.command_names import CITIZEN_COMMANDS, shown
from bot.i18n import t
from bot.services import Services
from services import roles
from storage.repositories import staff as staff_store

log = logging.getLogger(__name__)

STAFF_COMMANDS = ("etkinlik_yeni", "etkinliklerim", "yardim_kaydi", "basvurular", "panel")
MANAGER_COMMANDS = ("asama", "duzelt", "report", "indicator", "subscribe", "unsubscribe")
# Manager commands that live with the staff texts; the others are described with the reports.
MANAGER_ENTRY_COMMANDS = frozenset({"asama", "duzelt"})


def _manager_description(lang: str, name: str) -> str:
    section = "staff" if name in MANAGER_ENTRY_COMMANDS else "reports"
    return t(lang, f"{section}.command.{name}")


def staff_commands(lang: str, actor: roles.Actor | None = None) -> list[BotCommand]:
    """The menu of a staff chat; those who may read reports (managers and admins) also see the
    entry and report commands."""
    managing = [
        BotCommand(name if name in MANAGER_ENTRY_COMMANDS else shown(name, lang), _manager_description(lang, name))
        for name in MANAGER_COMMANDS
    ]
    return (
        [BotCommand(name, t(lang, f"staff.command.{name}")) for name in STAFF_COMMANDS]
        + [BotCommand(shown("comments", lang), t(lang, "staff.command.comments"))]
        + (managing if roles.can(actor, "report.read") else [])
        + [BotCommand(shown(name, lang), t(lang, f"command.{name}")) for name in CITIZEN_COMMANDS]
    )


async def sync(services: Services, bot: Bot) -> int:
    """Show or remove the staff menu where it differs from the database; returns how many.

    Telegram is asked outside any transaction (on SQLite the one writer would otherwise wait
    for every call); each member is then marked in a short transaction of its own, only if
    their rights did not change meanwhile. Asking twice (two workers) is harmless."""
    async with services.sessions() as session:
        pending = [
            (member.id, member.telegram_user_id, member.active, member.language, await roles.actor_for(session, member))
            for member in await staff_store.menus_to_sync(session)
        ]
    changed = 0
    for member_id, chat_id, active, language, actor in pending:
        scope = BotCommandScopeChat(chat_id=chat_id)  # type: ignore[arg-type]  # SQL keeps linked members
        try:
            if active:
                await bot.set_my_commands(staff_commands(language, actor), scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
        except TelegramError as error:
            log.warning("staff menu for staff %s not updated: %s", member_id, error)
            continue
        async with services.sessions.begin() as session:
            changed += await staff_store.mark_menu(session, member_id, shown=active)
    return changed


async def sync_job(context: Any) -> None:
    await sync(context.bot_data["services"], context.bot)
