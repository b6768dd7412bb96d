"""Citizens and their conversations, and erasing both on request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.dialect import Executor
from storage.models import Citizen, Conversation, Person, Response
from storage.person_lock import Held
from storage.rowcount import changed_rows
from storage.sqlite_driver import COMMIT_IF_CHANGED


@dataclass
class Profile:
    """What is kept about a person between conversations: their language and their consents.

    A plain value, not an ORM object: a turn reads it, changes it, and `save` writes it back
    only when it changed, with no unit of work in between (the turn is the hottest path)."""

    language: str | None = None
    consents: dict[str, Any] = field(default_factory=dict)  # replaced, never changed in place


@dataclass(frozen=True)
class Stored:
    """A person's conversation as saved: where they are, the messages shown to them, their
    latest update ids, and the version every write bumps."""

    state: dict[str, Any]
    message_ids: list[int]
    applied_updates: list[int]
    version: int = 0


class Conflict(Exception):
    """Someone else wrote the person's rows since they were loaded: load and decide again."""


_citizens, _conversations = Citizen.__table__, Conversation.__table__
_KEY: BindParameter[str] = bindparam("person")
_VERSION: BindParameter[int] = bindparam("loaded_version")
COLUMNS = (
    _citizens.c.key.label("key_found"), _citizens.c.language, _citizens.c.consents,
    _conversations.c.citizen_key, _conversations.c.state, _conversations.c.message_ids, _conversations.c.applied_updates,
    _conversations.c.version,
)
PROFILE_AND_CONVERSATION = _citizens.outerjoin(_conversations)
KEY_MATCHES = _citizens.c.key == _KEY
# The statements of every turn, built once.
_LOAD = select(*COLUMNS).select_from(PROFILE_AND_CONVERSATION).where(KEY_MATCHES)
_UPDATE_PROFILE = update(_citizens).where(_citizens.c.key == _KEY)
_UPDATE_CONVERSATION = update(_conversations).where(
    _conversations.c.citizen_key == _KEY, _conversations.c.version == _VERSION
)
_UPDATE_COMMITTING = _UPDATE_CONVERSATION.execution_options(**{COMMIT_IF_CHANGED: True})
_INSERT_PROFILE, _INSERT_CONVERSATION = insert(_citizens), insert(_conversations)
_DELETE_CONVERSATION = delete(_conversations).where(_conversations.c.citizen_key == _KEY)


async def load(session: AsyncSession, key: str) -> tuple[Profile | None, Stored | None]:
    """The person's profile and conversation in one round trip, nothing locked: a turn holds
    the person's lock (`storage.person_lock`) instead, and `save` refuses to overwrite a
    conversation someone else wrote meanwhile."""
    row = (await session.execute(_LOAD, {"person": key})).first()
    return (None, None) if row is None else split_row(row)


def split_row(row: Any) -> tuple[Profile, Stored | None]:
    """A row of `COLUMNS` whose person exists."""
    profile = Profile(row.language, row.consents or {})
    if row.citizen_key is None:
        return profile, None
    return profile, Stored(row.state, row.message_ids, row.applied_updates, row.version)


async def save(
    session: Executor,
    key: str,
    profile: Profile,
    conversation: Stored,
    now: datetime,
    *,
    was: tuple[Profile | None, Stored | None],
    ends_transaction: bool = False,
) -> int:
    """Write back what a turn changed, given what it loaded (`was`): a new person or
    conversation is inserted, a changed profile updated, the conversation always saved.
    Returns the conversation's new version; raises `Conflict` when another writer got there
    first (a row inserted, or the conversation's version moved on).

    `ends_transaction`: nothing follows in the caller's transaction, so on SQLite the update
    of the conversation commits it in the same hand-off (`storage.sqlite_driver`)."""
    loaded_profile, loaded_conversation = was
    profile_values = {
        "language": profile.language, "consents": profile.consents,
    }
    values = {
        "state": conversation.state, "message_ids": conversation.message_ids,
        "applied_updates": conversation.applied_updates, "updated_at": now,
    }
    try:
        if loaded_profile is None:
            await session.execute(_INSERT_PROFILE, {"key": key, "created_at": now, **profile_values})
        elif profile != loaded_profile:
            await session.execute(_UPDATE_PROFILE, {"person": key, **profile_values})
        if loaded_conversation is None:
            await session.execute(_INSERT_CONVERSATION, {"citizen_key": key, "version": 1, **values})
            return 1
    except IntegrityError as error:
        raise Conflict(key) from error
    version = loaded_conversation.version + 1
    result = await session.execute(
        _UPDATE_COMMITTING if ends_transaction else _UPDATE_CONVERSATION, {"person": key, "loaded_version": loaded_conversation.version, "version": version, **values}
    )
    if changed_rows(result) != 1:
        raise Conflict(key)
    return version


# What a turn records after its replies went out, as one statement with no transaction of its
# own (losing it costs a step shown twice, never an answer), spelled for each database's driver.
# PostgreSQL: sent on the person-lock connection with the release of the lock (`$1`).
_RECORD_SHOWN_RELEASING = """
WITH recorded AS (
    UPDATE conversations SET state = $4::jsonb, message_ids = $5::jsonb, version = $3 + 1
    WHERE citizen_key = $2 AND version = $3
    RETURNING 1
)
SELECT (SELECT count(*) FROM recorded) = 1 AS recorded, pg_advisory_unlock($1) AS unlocked
"""
# SQLite: on the process's one connection, which the driver keeps in autocommit.
_RECORD_SHOWN = "UPDATE conversations SET state = ?, message_ids = ?, version = ? + 1 WHERE citizen_key = ? AND version = ?"


async def record_shown(
    engine: AsyncEngine, held: Held, key: str, version: int, state: dict[str, Any], message_ids: list[int]
) -> bool:
    """After the replies went out: the state that knows the live message and the ids shown,
    written only if the conversation is still at `version` (nobody moved it on meanwhile).

    One statement: on PostgreSQL with the release of the person's lock, in one round trip that
    does not wait for the disk; on SQLite without BEGIN and COMMIT around it, a fraction of a
    transaction's hand-offs to the driver's thread. Returns whether it was written."""
    state_json, ids_json = json.dumps(state), json.dumps(message_ids)
    if held.can_release_with:
        row = await held.release_with(_RECORD_SHOWN_RELEASING, key, version, state_json, ids_json)
        return bool(row["recorded"])
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # an open connection has its driver's
        # The cursor of an UPDATE holds no rows: left to the garbage collector, not closed with
        # another hand-off to the driver's thread.
        return (await driver.execute(_RECORD_SHOWN, (state_json, ids_json, version, key, version))).rowcount == 1


async def delete_conversation(session: Executor, key: str) -> None:
    await session.execute(_DELETE_CONVERSATION, {"person": key})


@dataclass(frozen=True)
class Erased:
    """What /forget removed, so the person can be told plainly."""

    profile: bool
    conversation: bool
    identified_records: int
    responses: int


async def erase(session: AsyncSession, key: str, respondent_keys: list[str]) -> Erased:
    """Remove the person's profile, conversation and identified record, and the responses of
    non-anonymous surveys (passed as their respondent keys). `bot.chat.conversation.erasure` first
    takes what must stay counted out of the identified record's reach."""
    conversation = await session.get(Conversation, key)
    citizen = await session.get(Citizen, key)
    people = changed_rows(await session.execute(delete(Person).where(Person.citizen_key == key)))
    responses = 0
    if respondent_keys:
        result = await session.execute(delete(Response).where(Response.respondent_key.in_(respondent_keys)))
        responses = changed_rows(result)
    await session.execute(delete(Conversation).where(Conversation.citizen_key == key))
    await session.execute(delete(Citizen).where(Citizen.key == key))
    session.expunge_all()
    return Erased(
        profile=citizen is not None,
        conversation=conversation is not None,
        identified_records=people,
        responses=responses,
    )

