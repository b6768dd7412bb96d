"""/izinler (/consents): the consents a person gave, each with a button that withdraws it.

Withdrawing stops that purpose from here on (the bot asks again before it is used); what was
stored under it stays until the person erases it with /sil, which the answer says."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import pack
from bot.chat.conversation.turn import Turn
from bot.consent import purposes


def show(turn: Turn) -> None:
    given = purposes.listed(turn.citizen)
    if not given:
        turn.send(turn.text("consents.none"))
        return
    zone = turn.services.zone
    lines = "\n".join(
        turn.text("consents.line", purpose=turn.text(f"consent.purpose.{p}"), date=at.astimezone(zone).strftime("%d.%m.%Y"))
        for p, at in given
    )
    buttons = [
        [(turn.text("button.consents.withdraw", purpose=turn.text(f"consent.purpose.{p}")), pack("withdraw", p))]
        for p, _ in given
    ]
    turn.send(turn.text("consents.list", lines=lines), keyboards.rows(*buttons))


async def withdraw(turn: Turn, purpose: str, update: Update) -> None:
    if purpose not in (*purposes.ASKED_WITH_NOTICE, purposes.HEALTH) or turn.citizen is None or not purposes.withdraw(turn.citizen, purpose):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    query = update.callback_query
    if query is not None and query.message is not None:
        turn.edit_keyboard(query.message.message_id, None)
    turn.send(turn.text("consents.withdrawn", purpose=turn.text(f"consent.purpose.{purpose}")))
