"""Erasure on request and the safe exit.

/forget removes everything linked to the person after a confirmation. /cikis (and /exit)
deletes the messages of this conversation that Telegram still lets a bot delete, clears the
session and leaves one neutral line, for a phone someone else may read.
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback
from bot.conversation import drafts
from bot.conversation.turn import Turn
from storage.pseudonyms import respondent_key
from storage.repositories import citizens


def ask_forget(turn: Turn) -> None:
    turn.state["forget_pending"] = True
    turn.send(turn.text("forget.ask"), keyboards.forget(turn.lang))


async def answer_forget(turn: Turn, callback: Callback, update: Update) -> None:
    query = update.callback_query
    if not turn.state.pop("forget_pending", False) or callback.value not in ("yes", "no"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    if query is not None and query.message is not None:
        turn.edit_keyboard(query.message.message_id, None)
    if callback.value == "no":
        turn.send(turn.text("forget.kept"))
        return
    linked = [
        respondent_key(turn.services.secret, defn.id, turn.user_id)
        for defn in turn.services.surveys.values()
        if defn.anonymity != "anonymous"
    ]
    erased = await citizens.erase(turn.session, turn.key, linked)
    await drafts.forget(turn)
    turn.erased = True
    items = []
    if erased.profile:
        items.append(turn.text("forget.item.profile"))
    if erased.conversation:
        items.append(turn.text("forget.item.conversation"))
    if erased.identified_records:
        items.append(turn.text("forget.item.records", count=erased.identified_records))
    if erased.responses:
        items.append(turn.text("forget.item.responses", count=erased.responses))
    turn.send(turn.text("forget.done", items="; ".join(items)) if items else turn.text("forget.nothing"))


def safe_exit(turn: Turn) -> None:
    turn.delete_messages(drafts.safe_exit_ids(turn))
    turn.cleared = True
    turn.send(turn.text("exit.done"))
