"""What a chat shows, as the safe exit needs it (docs/privacy.md, "The safe exit").

A person with a conversation row has the ids of the messages in their chat in it, and since
when it holds them. A person about whom nothing is kept (before consent, after an erasure or a
declined consent) has a chat trail instead: the ids alone, under a pseudonym of its own, for
minutes, so /cikis and the "clear this chat" button can still clear that chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from storage.pseudonyms import trail_key
from storage.repositories import trails

if TYPE_CHECKING:
    from bot.chat.conversation.turn import Turn

# Telegram lets a bot delete a message of a private chat for 48 hours.
DELETE_WINDOW = timedelta(hours=48)
# How long a chat trail lasts after the chat's last message, and the step its expiry is
# rounded up to, so the expiry does not tell the time of that message.
TRAIL_KEPT = timedelta(minutes=30)
TRAIL_ROUNDING = timedelta(minutes=10)
TRAIL_MAX = 500
SINCE = "shown_since"
# Ids kept before the conversation noted the time came without one: they may be of any age.
UNKNOWN = "unknown"


def _key(turn: Turn) -> str:
    return trail_key(turn.services.secret, turn.user_id)


async def keep_trail(turn: Turn) -> None:
    """End of a turn that keeps nothing about the person: keep the ids still on screen, or none.
    The last statement of the turn's transaction."""
    await keep_trail_in(turn.connection, turn)


async def keep_trail_in(session: Any, turn: Turn) -> None:
    """The last statement of the caller's transaction: on SQLite, keeping the ids commits it."""
    if turn.message_ids and not turn.cleared:
        expiry = turn.now + TRAIL_KEPT
        expiry += (datetime.min.replace(tzinfo=expiry.tzinfo) - expiry) % TRAIL_ROUNDING
        await trails.keep(session, _key(turn), turn.message_ids[-TRAIL_MAX:], expiry, ends_transaction=True)
    else:
        await trails.drop(session, _key(turn))


async def record_trail(turn: Turn, sent: list[int]) -> None:
    """After the sending: the trail also holds the messages this turn showed, in a short
    transaction of its own. The turn started from the trail and holds the person's lock, so
    what it kept is the whole trail."""
    turn.message_ids = [*dict.fromkeys([*turn.message_ids, *sent])]
    async with turn.services.engine.begin() as connection:
        await keep_trail_in(connection, turn)


async def settle(turn: Turn) -> None:
    """The person's conversation row, new in this turn, now holds the ids: the trail goes."""
    await trails.drop(turn.connection, _key(turn))


def stamp(turn: Turn) -> None:
    """Note when the conversation began to hold message ids, so the safe exit can tell whether
    some of them are past Telegram's 48 hours."""
    if turn.message_ids and SINCE not in turn.state:
        undated = turn.loaded[1] is not None and bool(turn.loaded[1].message_ids)
        turn.state[SINCE] = UNKNOWN if undated else turn.now.isoformat()


def stamp_draft(turn: Turn) -> None:
    """The same note in an anonymous survey's draft, which is always of this version."""
    if turn.message_ids:
        turn.state.setdefault(SINCE, turn.now.isoformat())


def has_older(state: dict[str, Any], now: datetime) -> bool:
    since = state.get(SINCE)
    return since == UNKNOWN or (since is not None and datetime.fromisoformat(since) < now - DELETE_WINDOW)
