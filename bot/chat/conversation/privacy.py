"""Erasure on request and the safe exit (docs/privacy.md).

/cikis (and /exit, and the "clear this chat" button) deletes every message of this chat that
the bot knows of and Telegram still lets it delete (48 hours): the conversation's, the chat
trail's and those the outbox delivered (reminders, notices). It says so when older messages may
remain, clears the session and leaves one neutral line.

/forget, after a confirmation, clears the chat the same way, then erases everything linked to
the person and says what was erased and what stays; its message carries a "clear this chat"
button, and its id stays in the chat trail for minutes, so /cikis can remove it too.
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback
from bot.chat.conversation import drafts, erasure, shown
from bot.chat.conversation.turn import Turn
from storage.pseudonyms import respondent_key
from storage.repositories import outbox


async def clear_chat(turn: Turn, update: Update) -> bool:
    """Delete what the chat shows; True when messages older than Telegram's 48 hours may remain."""
    limit = turn.now - shown.DELETE_WINDOW
    delivered = await outbox.deliveries(turn.session, turn.user_id)
    if not drafts.active(turn):
        # An anonymous survey's draft keeps its own message ids: the chat shows them too.
        found = await drafts.load(turn.session, turn.services.secret, turn.user_id, turn.now)
        if found is not None:
            turn.message_ids = sorted({*turn.message_ids, *found.message_ids})
    query = update.callback_query
    if query is not None and query.message is not None:
        turn.message_ids.append(query.message.message_id)  # the "clear this chat" message itself
    # The conversation's and an anonymous survey's draft's messages, with the gaps between them.
    ids = set(drafts.safe_exit_ids(turn)) | {message_id for message_id, sent_at in delivered if sent_at >= limit}
    turn.message_ids = []  # what the turn shows from now on is all the chat will hold
    if ids:
        turn.delete_messages(sorted(ids))
    return shown.has_older(turn.state, turn.now) or any(sent_at < limit for _, sent_at in delivered)


async def safe_exit(turn: Turn, update: Update) -> None:
    older = await clear_chat(turn, update)
    turn.cleared = True
    turn.send(turn.text("exit.done") + (f"\n{turn.text('exit.older')}" if older else ""))


async def ask_forget(turn: Turn) -> None:
    kept_draft = await drafts.load(turn.session, turn.services.secret, turn.user_id, turn.now)
    if turn.citizen is None and not turn.state and kept_draft is None:
        turn.send(turn.text("forget.nothing"))
        return
    turn.state["forget_pending"] = True
    turn.send(turn.text("forget.ask"), keyboards.forget(turn.lang))


async def answer_forget(turn: Turn, callback: Callback, update: Update) -> None:
    query = update.callback_query
    if not turn.state.pop("forget_pending", False) or callback.value not in ("yes", "no"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    if callback.value == "no":
        if query is not None and query.message is not None:
            turn.edit_keyboard(query.message.message_id, None)
        turn.send(turn.text("forget.kept"))
        return
    older = await clear_chat(turn, update)
    erased = await erase(turn)
    turn.send(_told(turn, erased, older), keyboards.clear_chat(turn.lang))


async def erase(turn: Turn) -> erasure.Erasure:
    """Erase everything linked to the person; the turn then keeps nothing but the chat trail."""
    linked = [
        respondent_key(turn.services.secret, defn.id, turn.user_id)
        for defn in turn.services.surveys.values()
        if defn.anonymity != "anonymous"
    ]
    erased = await erasure.erase_person(
        turn.session, key=turn.key, telegram_user_id=turn.user_id, secret=turn.services.secret,
        respondent_keys=linked, zone=turn.services.zone, now=turn.now,
    )
    await drafts.forget(turn)
    turn.erased = True
    return erased


def _told(turn: Turn, erased: erasure.Erasure, older: bool) -> str:
    """What was erased and what stays, truthfully."""
    items = []
    if erased.profile:
        items.append(turn.text("forget.item.profile"))
    if erased.conversation:
        items.append(turn.text("forget.item.conversation"))
    if erased.contact:
        items.append(turn.text("forget.item.contact"))
    if erased.registrations:
        items.append(turn.text("forget.item.registrations", count=erased.registrations))
    if erased.memberships:
        items.append(turn.text("forget.item.memberships", count=erased.memberships))
    if erased.messages:
        items.append(turn.text("forget.item.messages", count=erased.messages))
    if erased.responses:
        items.append(turn.text("forget.item.responses", count=erased.responses))
    lines = [turn.text("forget.done", items="; ".join(items)) if items else turn.text("forget.nothing")]
    if erased.nameless_attendance:
        lines.append(turn.text("forget.stays.attendance"))
    if erased.nameless_memberships:
        lines.append(turn.text("forget.stays.membership"))
    lines.append(turn.text("forget.stays.anonymous"))
    lines.append(turn.text("forget.chat_cleared"))
    if older:
        lines.append(turn.text("exit.older"))
    return "\n".join(lines)
