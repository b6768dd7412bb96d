"""One update's turn: a short transaction, then Telegram, then one short write.

1. The person's lock is taken first (`storage.person_lock`): neither a transaction nor a
   pooled connection, held for the whole turn, so their updates apply one at a time.
2. Decide (one transaction): claim the update id, load the person, let a flow decide (the
   replies to send are data, `Turn.actions`, nothing is sent yet), save the new state, commit.
   The update is applied from here on: a crash later loses nothing the person did.
3. Show (`bot.chat.conversation.delivery`): the replies go to Telegram with no transaction open.
4. Record (one statement, no transaction of its own): the ids of the messages sent and which
   one holds the live buttons, only if the conversation is still the version step 2 saved; on
   PostgreSQL sent with the release of the person's lock.

An anonymous survey runs in the person's draft (`bot.chat.conversation.drafts`): while they are in
it, steps 2 and 4 write the draft only, never their identified rows. A person with nothing kept
(before consent, after an erasure) has the ids of what the chat shows kept for minutes in a chat
trail (`bot.chat.conversation.shown`), for the safe exit.

Until step 4, the state says a live message is due but not known (`LIVE_UNRECORDED`); a crash
in between leaves it so, and the person's next button press or /start shows the current step
again: a message may show twice, an answer is never lost.

Nothing about the conversation lives in memory between updates, so a restart or a second
worker continues exactly where the person was, and a redelivered update has no effect: its id
is among the latest ones kept in the person's conversation, or in the table of processed
updates (first contacts, turns after which nothing about the person is kept, and older ids,
moved there a batch at a time). So a person's ordinary update costs no extra statement.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update, User

from bot.chat.conversation import drafts, shown
from bot.chat.conversation.delivery import Shown, show
from bot.i18n import normalise_language, t
from bot.services import Services
from storage.person_lock import LOST, Held
from storage.pseudonyms import citizen_key, draft_key, trail_key
from storage.repositories import citizens, outbox, turn_start, updates

log = logging.getLogger(__name__)

# Enough to clear a long conversation with /cikis; Telegram deletes 100 per call.
MAX_TRACKED_MESSAGES = 500
APPLIED_UPDATES_KEPT = 64  # at least this many of a person's latest update ids stay in the conversation
# A turn decides again when another writer got to the person first (their lock was lost).
DECIDE_ATTEMPTS = 3
# In the state between a turn's decision and the record of what it showed.
LIVE_UNRECORDED = "live_unrecorded"


@dataclass
class Action:
    kind: str
    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    message_id: int | None = None
    live: bool = False
    quiet: bool = False
    message_ids: list[int] = field(default_factory=list)
    alert: bool = False


class LazySession:
    """An ORM session in the turn's transaction, opened the first time a flow asks for one.
    Most turns (a survey answer, a button) run Core statements only, on the transaction's
    connection, and pay for no session, its unit of work or its identity map."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.opened: AsyncSession | None = None

    def get(self) -> AsyncSession:
        if self.opened is None:
            # Joins the connection's transaction: commits with it, never commits it itself.
            self.opened = AsyncSession(bind=self.connection, expire_on_commit=False)
        return self.opened

    async def flush(self) -> None:
        """What the flows added goes to the database before the turn's own statements."""
        if self.opened is not None:
            await self.opened.flush()

    async def close(self) -> None:
        if self.opened is not None:
            await self.opened.close()


@dataclass
class Turn:
    """What a flow may read and decide during one update."""

    services: Services
    orm: LazySession
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
    version: int | None = None  # the conversation's version once saved; None when nothing is kept
    # Set while the person is inside an anonymous survey: the turn then writes only this draft.
    draft: drafts.Draft | None = None

    @property
    def connection(self) -> AsyncConnection:
        """The transaction's connection, for Core statements."""
        return self.orm.connection

    @property
    def session(self) -> AsyncSession:
        """An ORM session in the same transaction."""
        return self.orm.get()

    @property
    def live_unrecorded(self) -> bool:
        """A live message was due and its id never recorded (a crash, or Telegram failed it):
        the buttons on screen cannot be told from older ones, so the current step is shown again."""
        return bool(self.state.get(LIVE_UNRECORDED))

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
    """Apply one update from a private chat exactly once, then show it."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    key = citizen_key(services.secret, user.id)
    async with services.person_locks.hold(key) as held:
        turn = await _decide(update, services, flow, user, key)
        if turn is None:
            return
        delivered = await show(turn.actions, update, bot, chat.id, services.metrics)
        await _record(services, held, turn, delivered, chat.id)
        await drafts.after_commit(turn)


async def _decide(update: Update, services: Services, flow: Flow, user: User, key: str) -> Turn | None:
    """The first transaction; None when the update was already applied."""
    for attempt in range(1, DECIDE_ATTEMPTS + 1):
        try:
            async with services.engine.begin() as connection:
                orm = LazySession(connection)
                try:
                    return await _apply(update, services, orm, flow, user, key)
                finally:
                    await orm.close()
        except citizens.Conflict:
            if attempt == DECIDE_ATTEMPTS:
                raise
            log.info("update %s: the person's rows changed meanwhile; deciding again", update.update_id)
    raise AssertionError("unreachable")


async def _apply(update: Update, services: Services, orm: LazySession, flow: Flow, user: User, key: str) -> Turn | None:
    now = services.clock()
    connection = orm.connection
    start = await turn_start.load(
        connection, key, draft_key(services.secret, user.id), trail_key(services.secret, user.id), now
    )
    citizen, conversation = start.profile, start.conversation
    draft = drafts.route(services, update, user.id, now, flow, start.draft)
    claimed_in_table = conversation is None and draft is None
    if claimed_in_table and not await updates.claim(connection, update.update_id, now):
        log.info("update %s already applied", update.update_id)
        return None
    applied = list(conversation.applied_updates) if conversation else []
    known = [*applied, *(draft.applied_updates if draft else [])]
    # Update ids grow, so an id older than the kept ones can only be in the table.
    older = bool(known) and update.update_id < min(known) and not claimed_in_table
    if update.update_id in known or (older and not await updates.claim(connection, update.update_id, now)):
        log.info("update %s already applied", update.update_id)
        return None
    turn = Turn(
        services=services,
        orm=orm,
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
        turn.message_ids = [*start.trail, *turn.message_ids]  # the chat trail is the chat's record
    if draft is not None:
        drafts.begin_turn(turn, draft)
    if update.message is not None:
        turn.message_ids.append(update.message.message_id)
    await flow(turn, update)
    await orm.flush()
    if any(action.kind == "send" and action.live for action in turn.actions):
        # Until the new buttons are recorded as shown, no older ones may answer for them.
        turn.state.pop("active", None)
        turn.state[LIVE_UNRECORDED] = True
    await _save(turn)
    return turn


async def _save(turn: Turn) -> None:
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
            await citizens.delete_conversation(turn.connection, turn.key)
        if not turn.claimed_in_table:
            await updates.record(turn.connection, turn.update_id, turn.now)
        await shown.keep_trail(turn)  # the last statement: on SQLite it commits too
        return
    citizen = turn.ensure_citizen()
    citizen.language = turn.lang
    applied = [*turn.applied_updates, turn.update_id]
    if len(applied) > 2 * APPLIED_UPDATES_KEPT:
        await updates.record_many(turn.connection, applied[:-APPLIED_UPDATES_KEPT], turn.now)
        applied = applied[-APPLIED_UPDATES_KEPT:]
    shown.stamp(turn)
    if turn.loaded[1] is None:
        await shown.settle(turn)
    turn.message_ids = drafts.without_gaps(turn.message_ids)[-MAX_TRACKED_MESSAGES:]
    saved = citizens.Stored(turn.state, turn.message_ids, applied)
    # The last statement of the transaction: on SQLite it commits it too, one hand-off less.
    turn.version = await citizens.save(turn.connection, turn.key, citizen, saved, turn.now, was=turn.loaded, ends_transaction=True)


async def _record(services: Services, held: Held, turn: Turn, delivered: Shown, chat_id: int) -> None:
    """The second, short write: what the person now sees, and whether they can be reached.
    Losing it (a crash, the database gone for a moment) costs a step shown twice, no answer.
    It goes where step 2 saved: the conversation, the anonymous survey's draft (in a
    transaction of its own, never the one that holds a response), or the chat trail."""
    version = turn.version if delivered.sent else None
    state = dict(turn.state)
    if delivered.live is not None:
        state["active"] = delivered.live
        state.pop(LIVE_UNRECORDED, None)
    message_ids = drafts.without_gaps([*turn.message_ids, *delivered.sent])[-MAX_TRACKED_MESSAGES:]
    try:
        if delivered.unreachable:
            async with services.sessions() as session, session.begin():
                await outbox.mark_unreachable(session, chat_id, services.clock())
        if turn.draft is not None and delivered.sent and not (turn.erased or turn.cleared):
            await drafts.record_shown(turn, state, [*turn.message_ids, *delivered.sent])
            return
        if turn.draft is None and turn.version is None and delivered.sent and not turn.cleared:
            await shown.record_trail(turn, delivered.sent)
            return
        if version is None:
            return
        if not await citizens.record_shown(services.engine, held, turn.key, version, state, message_ids):
            log.info("update %s: the conversation moved on before its messages were recorded", turn.update_id)
    except (SQLAlchemyError, *LOST) as error:
        log.warning(
            "update %s: what was shown could not be recorded (%s); the current step is shown again when asked",
            turn.update_id, error.__class__.__name__,
        )


def citizen_handler(flow: Flow) -> Callable[[Update, Any], Coroutine[Any, Any, None]]:
    """Adapt a flow to a python-telegram-bot callback."""

    async def callback(update: Update, context: Any) -> None:
        await run_turn(update, context.services, context.bot, flow)

    callback.__name__ = getattr(flow, "__name__", "flow")
    return callback
