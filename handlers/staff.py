"""Staff commands and buttons: new event, my events and attendance, aid, membership decisions,
the managers' milestones and corrections, and the web panel's sign-in link. The staff menu is refreshed after an invite is redeemed."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import parse
from bot.chat import aid as chat_aid
from bot.chat import corrections as chat_corrections
from bot.chat import event_manage as chat_event_manage
from bot.chat import event_new as chat_event_new
from bot.chat import members as chat_members
from bot.chat import menus
from bot.chat import milestones as chat_milestones
from bot.chat import panel as chat_panel
from bot.chat.conversation.turn import Turn, citizen_handler, run_turn
from handlers.start import COMMAND_FILTER, start


def _button(flow: Any) -> Any:
    async def handle(turn: Turn, update: Update) -> None:
        callback = parse(update.callback_query.data if update.callback_query else None)
        if callback is None:
            turn.toast(turn.text("unexpected.stale_button"))
            return
        await flow(turn, callback, update)

    handle.__name__ = flow.__name__
    return handle


async def _start_then_menu(update: Update, context: Any) -> None:
    """An invite link: the /start turn redeems it, then Telegram is told to show the staff menu."""
    await run_turn(update, context.services, context.bot, start)
    await menus.sync(context.services, context.bot)


def register(application: Any) -> None:
    application.add_handler(
        CommandHandler("start", _start_then_menu, filters=COMMAND_FILTER & filters.Regex(r"^/start(@\w+)?\s+inv_"))
    )
    application.add_handler(CommandHandler("etkinlik_yeni", citizen_handler(chat_event_new.begin), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("etkinliklerim", citizen_handler(chat_event_manage.list_mine), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("yardim_kaydi", citizen_handler(chat_aid.begin), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("basvurular", citizen_handler(chat_members.list_pending), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("asama", citizen_handler(chat_milestones.begin), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("duzelt", citizen_handler(chat_corrections.begin), filters=COMMAND_FILTER))
    application.add_handler(CommandHandler("panel", citizen_handler(chat_panel.send_link), filters=COMMAND_FILTER))
    application.add_handler(CallbackQueryHandler(citizen_handler(_button(chat_event_new.on_button)), pattern=r"^e:"))
    application.add_handler(CallbackQueryHandler(citizen_handler(_button(chat_event_manage.on_button)), pattern=r"^m:"))
    application.add_handler(
        CallbackQueryHandler(citizen_handler(_button(chat_milestones.on_button)), pattern=chat_milestones.CALLBACK_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(citizen_handler(_button(chat_corrections.on_button)), pattern=chat_corrections.CALLBACK_PATTERN)
    )
    application.add_handler(CallbackQueryHandler(citizen_handler(_button(chat_aid.on_button)), pattern=r"^y:"))
    application.add_handler(CallbackQueryHandler(citizen_handler(_button(chat_members.on_decide)), pattern=r"^d:"))
