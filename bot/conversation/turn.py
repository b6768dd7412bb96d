"""One update's turn: lock the person, claim the update id, load their state, let a flow
decide, send what it decided, save, and commit, all in one transaction.

Nothing about the conversation lives in memory between updates, so a restart or a second
worker continues exactly where the person was, and a redelivered update has no effect: its id
is among the latest ones kept in the person's conversation, or in the table of processed
updates (first contacts, turns after which nothing about the person is kept, and older ids,
moved there a batch at a time). So a person's ordinary update costs no extra statement.

The database is the truth and the chat is a view of it: when Telegram fails or times out
part-way through the sending, what the person did is still saved, the rest of the sending
is dropped, and `/start` shows them the current step again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.conversation import drafts, shown
from bot.i18n import normalise_language, t
from bot.services import Services
from storage.locks import local_lock
from storage.pseudonyms import citizen_key
from storage.repositories import citizens, updates

log = logging.getLogger(__name__)

# Enough to clear a long conversation with /cikis; Telegram deletes 100 per call.
MAX_TRACKED_MESSAGES = 500
APPLIED_UPDATES_KEPT = 64  # at least this many of a person's latest update ids stay in the conversation
# Pauses before trying a failed call again; only failures that surely delivered nothing.
RETRY_PAUSES = (0.2, 0.8)


@dataclass
class Action:
    kind: str
    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    message_id: int | None = None
    live: bool = False
    quiet: bool = False
    alert: bool = False
    message_ids: list[int] = field(default_factory=list)


@dataclass
class Turn:
    """What a flow may read and decide during one update."""

    services: Services
    session: AsyncSession
    now: datetime
    user_id: int
    key: str
    citizen: citizens.Profile | None
    state: dict[str, Any]
    message_ids: list[int]
    language_guess: str
    update_id: int = 0
    applied_updates: list[int] = field(default_factory=list)
    claimed_in_table: bool = False
    loaded: tuple[citizens.Profile | None, citizens.Stored | None] = (None, None)
    actions: list[Action] = field(default_factory=list)
    erased: bool = False
    cleared: bool = False
    # Set while the person is inside an anonymous survey: the turn then writes only this draft.
    draft: drafts.Draft | None = None

    @property
    def lang(self) -> str:
        return self.state.get("lang") or (self.citizen.language if self.citizen else None) or self.language_guess

    def text(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    def send(self, text: str, keyboard: InlineKeyboardMarkup | None = None, *, live: bool = False, quiet: bool = False) -> None:
        """Queue a message; a live one holds the only buttons that still count."""
        self.actions.append(Action("send", text=text, keyboard=keyboard, live=live, quiet=quiet))

    def edit(self, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        self.actions.append(Action("edit", text=text, keyboard=keyboard, message_id=message_id))

    def edit_keyboard(self, message_id: int, keyboard: InlineKeyboardMarkup | None) -> None:
        self.actions.append(Action("edit_keyboard", keyboard=keyboard, message_id=message_id))

    def toast(self, text: str | None = None, *, alert: bool = False) -> None:
        """The answer to a button press; an alert must be dismissed, and leaves nothing in the chat."""
        self.actions.append(Action("toast", text=text, alert=alert))

    def delete_messages(self, message_ids: list[int]) -> None:
        self.actions.append(Action("delete", message_ids=list(message_ids)))

    def ensure_citizen(self) -> citizens.Profile:
        """The person's profile, new if they have none yet (saved with the turn)."""
        if self.citizen is None:
            self.citizen = citizens.Profile()
        return self.citizen


Flow = Callable[[Turn, Update], Awaitable[None]]


async def run_turn(update: Update, services: Services, bot: Bot, flow: Flow) -> None:
    """Apply one update from a private chat exactly once."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    key = citizen_key(services.secret, user.id)
    now = services.clock()
    turn: Turn | None = None
    async with local_lock(key), services.sessions() as session, session.begin():
        citizen, conversation = await citizens.load_locked(session, key)
        draft = await drafts.route(session, services, update, user.id, now, flow)
        claimed_in_table = conversation is None and draft is None
        if claimed_in_table:
            # First contact, or nothing kept: the update id is claimed in the table.
            if not await updates.claim(session, update.update_id, now, person=key):
                log.info("update %s already applied", update.update_id)
                return
        applied = list(conversation.applied_updates) if conversation else []
        known = [*applied, *(draft.applied_updates if draft else [])]
        # Update ids grow, so an id older than the kept ones can only be in the table.
        older = bool(known) and update.update_id < min(known) and not claimed_in_table
        if update.update_id in known or (older and not await updates.claim(session, update.update_id, now, person=key)):
            log.info("update %s already applied", update.update_id)
            return
        turn = Turn(
            services=services,
            session=session,
            now=now,
            user_id=user.id,
            key=key,
            citizen=replace(citizen) if citizen else None,
            state=dict(conversation.state) if conversation else {},
            message_ids=list(conversation.message_ids) if conversation else [],
            language_guess=normalise_language(user.language_code),
            update_id=update.update_id,
            applied_updates=applied,
            claimed_in_table=claimed_in_table,
            loaded=(citizen, conversation),
        )
        if conversation is None:
            await shown.load_trail(turn)
        if draft is not None:
            drafts.begin_turn(turn, draft)
        if update.message is not None:
            turn.message_ids.append(update.message.message_id)
        await flow(turn, update)
        await _execute(turn, update, bot, chat.id)
        await _persist(turn)
    if turn is not None:
        await drafts.after_commit(turn)


async def _execute(turn: Turn, update: Update, bot: Bot, chat_id: int) -> None:
    """Show what the flow decided. New messages go one after the other, in order, stopping at
    the first one Telegram fails; edits and deletions of older messages go alongside them, not
    after them, so the person waits one round trip to Telegram less and the turn's transaction
    (on SQLite, the one writer's) is held that much shorter."""
    alongside = [_touch(action, bot, chat_id) for action in turn.actions if action.kind in ("edit", "edit_keyboard", "delete")]
    touching = asyncio.ensure_future(_in_order(alongside, update.update_id)) if alongside else None
    try:
        toast = await _send(turn, bot, chat_id)
        # Answered after the new messages, so the spinner on the button stops when they are shown.
        if update.callback_query is not None:
            # Telegram refuses a late answer ("query is too old"); the person already sees the result.
            await _tolerant(
                lambda: update.callback_query.answer(toast.text if toast else None, show_alert=bool(toast and toast.alert))  # type: ignore[union-attr]
            )
    except BadRequest as error:
        log.error("update %s: Telegram refused a message (%s); the state is saved, the rest is not shown", update.update_id, error)
    except TelegramError as error:
        log.warning("update %s: Telegram failed part-way (%s); the state is saved, the rest is not shown", update.update_id, error)
    finally:
        if touching is not None:
            await touching


async def _send(turn: Turn, bot: Bot, chat_id: int) -> Action | None:
    toast: Action | None = None
    for action in turn.actions:
        if action.kind == "send":
            if action.live:
                # Until the new buttons are surely on screen, no older ones may answer for them.
                turn.state.pop("active", None)
            message = await _retried(
                lambda a=action: bot.send_message(chat_id, a.text or "", reply_markup=a.keyboard, disable_notification=a.quiet)
            )
            turn.message_ids.append(message.message_id)
            if action.live:
                turn.state["active"] = message.message_id
        elif action.kind == "toast":
            toast = toast or action
    return toast


def _touch(action: Action, bot: Bot, chat_id: int) -> Callable[[], Awaitable[Any]]:
    """The call that edits or deletes older messages for `action`."""
    if action.kind == "edit":
        return lambda: bot.edit_message_text(action.text or "", chat_id, action.message_id, reply_markup=action.keyboard)
    if action.kind == "edit_keyboard":
        return lambda: bot.edit_message_reply_markup(chat_id, action.message_id, reply_markup=action.keyboard)

    async def delete() -> None:
        for start in range(0, len(action.message_ids), 100):  # Telegram deletes 100 per call
            await _tolerant(lambda b=action.message_ids[start : start + 100]: bot.delete_messages(chat_id, b))

    return delete


async def _in_order(calls: list[Callable[[], Awaitable[Any]]], update_id: int) -> None:
    """Edits and deletions one after the other; a failure is logged and ends them, never the
    turn: no state depends on them (a message left with old buttons has them refused)."""
    try:
        for call in calls:
            await _tolerant(call)
    except TelegramError as error:
        log.warning("update %s: Telegram failed to change an older message (%s); the rest of such changes is dropped", update_id, error)


async def _retried(call: Callable[[], Awaitable[Any]]) -> Any:
    """Try again after a network failure that surely delivered nothing (not after a time-out,
    which may have been delivered and would then show twice)."""
    for pause in RETRY_PAUSES:
        try:
            return await call()
        except TimedOut:
            raise
        except NetworkError as error:
            log.info("Telegram call failed (%s); trying again in %.1f s", error, pause)
            await asyncio.sleep(pause)
    return await call()


async def _tolerant(call: Callable[[], Awaitable[Any]]) -> None:
    """Edits and deletions of messages that are gone or unchanged are not failures."""
    try:
        await _retried(call)
    except BadRequest as error:
        log.info("ignored Telegram refusal: %s", error.message)


async def _persist(turn: Turn) -> None:
    """Save where the person is, with this update's id among the applied ones; when nothing
    about them is kept, the id goes to the table of processed updates instead."""
    if turn.draft is not None:
        if turn.loaded[1] is None and not (turn.erased or turn.cleared):
            await shown.settle(turn)  # the draft holds the ids the chat trail kept before consent
        shown.stamp_draft(turn)
        await drafts.persist(turn)
        return
    keeps_nothing = turn.erased or turn.cleared or (not turn.state and turn.citizen is None)
    if keeps_nothing:
        if turn.cleared:
            await citizens.delete_conversation(turn.session, turn.key)
        await shown.keep_trail(turn)
        if not turn.claimed_in_table:
            await updates.record(turn.session, turn.update_id, turn.now)
        return
    citizen = turn.ensure_citizen()
    citizen.language = turn.lang
    applied = [*turn.applied_updates, turn.update_id]
    if len(applied) > 2 * APPLIED_UPDATES_KEPT:
        await updates.record_many(turn.session, applied[:-APPLIED_UPDATES_KEPT], turn.now)
        applied = applied[-APPLIED_UPDATES_KEPT:]
    shown.stamp(turn)
    if turn.loaded[1] is None:
        await shown.settle(turn)
    saved = citizens.Stored(turn.state, drafts.without_gaps(turn.message_ids)[-MAX_TRACKED_MESSAGES:], applied)
    await citizens.save(turn.session, turn.key, citizen, saved, turn.now, was=turn.loaded)


def citizen_handler(flow: Flow) -> Callable[[Update, Any], Awaitable[None]]:
    """Adapt a flow to a python-telegram-bot callback."""

    async def callback(update: Update, context: Any) -> None:
        await run_turn(update, context.services, context.bot, flow)

    callback.__name__ = getattr(flow, "__name__", "flow")
    return callback
