"""A person who blocks the bot becomes unreachable for campaigns and notices; one who
unblocks it, or writes again, is reachable again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update as sql_update
from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.chat.conversation.turn import Turn, citizen_handler
from storage.models import Person


async def membership_changed(turn: Turn, update: Update) -> None:
    change = update.my_chat_member
    if change is None:
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await turn.session.execute(
        sql_update(Person)
        .where(Person.telegram_user_id == turn.user_id)
        .values(unreachable_at=turn.now if blocked else None)
    )


def register(application: Any) -> None:
    application.add_handler(ChatMemberHandler(citizen_handler(membership_changed), ChatMemberHandler.MY_CHAT_MEMBER))
