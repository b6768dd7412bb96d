"""Citizens and their conversations, and erasing both on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name
from storage.models import Citizen, Conversation, Person, Response


async def get(session: AsyncSession, key: str) -> Citizen | None:
    return await session.get(Citizen, key)


async def get_or_create(session: AsyncSession, key: str, now: datetime) -> Citizen:
    citizen = await session.get(Citizen, key)
    if citizen is None:
        citizen = Citizen(key=key, created_at=now)
        session.add(citizen)
        await session.flush()
    return citizen


_theirs = Conversation.citizen_key == Citizen.key  # the join of a person and their conversation


async def load(session: AsyncSession, key: str) -> tuple[Citizen | None, Conversation | None]:
    """The citizen and their conversation in one round trip."""
    return await _first(session, select(Citizen, Conversation).outerjoin(Conversation, _theirs).where(Citizen.key == key))


async def load_locked(session: AsyncSession, key: str) -> tuple[Citizen | None, Conversation | None]:
    """Like `load`, and the person's rows stay locked until the transaction ends; every update
    of a known person starts here, in one round trip.

    PostgreSQL locks both rows (FOR UPDATE), so a second worker waits and then reads what the
    first one saved; such a lock needs an existing conversation, so without one this finds
    nothing and the caller serialises through the update-id claim instead. SQLite's
    transactions already run one at a time.
    """
    if dialect_name(session) != "postgresql":
        return await load(session, key)
    statement = select(Citizen, Conversation).join(Conversation, _theirs).where(Citizen.key == key).with_for_update()
    return await _first(session, statement)


async def _first(session: AsyncSession, statement: Any) -> tuple[Citizen | None, Conversation | None]:
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row else (None, None)


async def load_conversation(session: AsyncSession, key: str) -> Conversation | None:
    return await session.get(Conversation, key)


async def save_conversation(
    session: AsyncSession,
    key: str,
    state: dict[str, Any],
    message_ids: list[int],
    now: datetime,
    applied_updates: list[int] | None = None,
) -> None:
    conversation = await session.get(Conversation, key)
    if conversation is None:
        conversation = Conversation(citizen_key=key, state=state, message_ids=message_ids, updated_at=now)
        session.add(conversation)
    else:
        conversation.state = state
        conversation.message_ids = message_ids
        conversation.updated_at = now
    if applied_updates is not None:
        conversation.applied_updates = applied_updates


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
    """Remove everything linked to this person: profile, conversation, identified records and
    the responses of non-anonymous surveys (passed as their respondent keys)."""
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

