"""Citizens and their conversations, and erasing both on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.locks import lock_in_transaction
from storage.models import Citizen, Conversation, Person, Response


@dataclass
class Profile:
    """What is kept about a person between conversations: their language and their consent.

    A plain value, not an ORM object: a turn reads it, changes it, and `save` writes it back
    only when it changed, with no unit of work in between (the turn is the hottest path)."""

    language: str | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None


@dataclass(frozen=True)
class Stored:
    """A person's conversation as saved: where they are, the messages shown to them, and
    their latest update ids."""

    state: dict[str, Any]
    message_ids: list[int]
    applied_updates: list[int]


_citizens, _conversations = Citizen.__table__, Conversation.__table__
_KEY = bindparam("person")
_COLUMNS = (
    _citizens.c.language, _citizens.c.consent_version, _citizens.c.consent_at,
    _conversations.c.citizen_key, _conversations.c.state, _conversations.c.message_ids, _conversations.c.applied_updates,
)
# The statements of every turn, built once.
_LOAD = select(*_COLUMNS).select_from(_citizens.outerjoin(_conversations)).where(_citizens.c.key == _KEY)
_UPDATE_PROFILE = update(_citizens).where(_citizens.c.key == _KEY)
_UPDATE_CONVERSATION = update(_conversations).where(_conversations.c.citizen_key == _KEY)


async def load(session: AsyncSession, key: str) -> tuple[Profile | None, Stored | None]:
    """The person's profile and conversation in one round trip."""
    return _split((await session.execute(_LOAD, {"person": key})).first())


async def load_locked(session: AsyncSession, key: str) -> tuple[Profile | None, Stored | None]:
    """Like `load`, and the person stays locked until the transaction ends; every update
    starts here.

    PostgreSQL takes the person's transaction-scoped advisory lock, then reads (in a statement
    of its own, so the read sees what a worker before us committed while we waited). Not a row
    lock: `SELECT ... FOR UPDATE` writes the locking transaction's id into the rows' xmax, which
    would tie that transaction's other writes (an anonymous answer) to the person. SQLite's
    transactions already run one at a time.
    """
    await lock_in_transaction(session, key)
    return await load(session, key)


def _split(row: Any) -> tuple[Profile | None, Stored | None]:
    if row is None:
        return None, None
    profile = Profile(row.language, row.consent_version, row.consent_at)
    if row.citizen_key is None:
        return profile, None
    return profile, Stored(row.state, row.message_ids, row.applied_updates)


async def save(
    session: AsyncSession,
    key: str,
    profile: Profile,
    conversation: Stored,
    now: datetime,
    *,
    was: tuple[Profile | None, Stored | None],
) -> None:
    """Write back what a turn changed, given what it loaded (`was`): a new person or
    conversation is inserted, a changed profile updated, the conversation always saved."""
    loaded_profile, loaded_conversation = was
    profile_values = {
        "language": profile.language, "consent_version": profile.consent_version, "consent_at": profile.consent_at,
    }
    if loaded_profile is None:
        await session.execute(insert(_citizens), {"key": key, "created_at": now, **profile_values})
    elif profile != loaded_profile:
        await session.execute(_UPDATE_PROFILE, {"person": key, **profile_values})
    values = {
        "state": conversation.state, "message_ids": conversation.message_ids,
        "applied_updates": conversation.applied_updates, "updated_at": now,
    }
    if loaded_conversation is None:
        await session.execute(insert(_conversations), {"citizen_key": key, **values})
    else:
        await session.execute(_UPDATE_CONVERSATION, {"person": key, **values})


async def delete_conversation(session: AsyncSession, key: str) -> None:
    await session.execute(delete(Conversation).where(Conversation.citizen_key == key))


@dataclass(frozen=True)
class Erased:
    """What /forget removed, so the person can be told plainly."""

    profile: bool
    conversation: bool
    identified_records: int
    responses: int


async def erase(session: AsyncSession, key: str, respondent_keys: list[str]) -> Erased:
    """Remove the person's profile, conversation and identified record, and the responses of
    non-anonymous surveys (passed as their respondent keys). `bot.conversation.erasure` first
    takes what must stay counted out of the identified record's reach."""
    conversation = await session.get(Conversation, key)
    citizen = await session.get(Citizen, key)
    people = (await session.execute(delete(Person).where(Person.citizen_key == key))).rowcount
    responses = 0
    if respondent_keys:
        result = await session.execute(delete(Response).where(Response.respondent_key.in_(respondent_keys)))
        responses = result.rowcount
    await session.execute(delete(Conversation).where(Conversation.citizen_key == key))
    await session.execute(delete(Citizen).where(Citizen.key == key))
    session.expunge_all()
    return Erased(
        profile=citizen is not None,
        conversation=conversation is not None,
        identified_records=people,
        responses=responses,
    )

