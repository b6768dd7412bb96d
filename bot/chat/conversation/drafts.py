"""A turn inside an anonymous survey keeps the person's place in a draft, not in their
conversation.

From the moment a person opens an anonymous survey (by its neutral link or from the list) until
they leave it, their turns read and write only the draft (storage/repositories/drafts.py): the
survey's answers, the language and consent given inside it, the ids of its messages and of its
updates, all sealed under a key of its own domain. Their identified rows (`citizens`,
`conversations`, `people`, `processed_updates`) are not written by those turns, so nothing in
them changes in a way only the anonymous survey produces, and no transaction writes both.

Which updates a draft takes: a flow marked `continues` runs in an open draft (the person is in
the survey, or in the language and consent steps before it); a flow marked `clears` (the safe
exit) runs in any draft, finished ones included, whose message ids it needs. Everything else
(events, membership, erasure, staff work) runs on the identified conversation and leaves the
draft alone.

A draft expires OPEN_FOR after the last answer, KEPT_FINISHED after the survey ends (for the
safe exit), always rounded up to the hour and never after the survey's period ends.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot import anonymous_storage
from bot.chat.conversation.deep_links import parse_payload
from bot.services import Services
from storage.maintenance import scrub
from storage.pseudonyms import draft_key
from storage.repositories import citizens, participation, updates
from storage.repositories import drafts as store
from storage.repositories.surveys import NewResponse
from surveys.definition import SurveyDefinition

if TYPE_CHECKING:
    from bot.chat.conversation.turn import Turn

log = logging.getLogger(__name__)

OPEN_FOR = timedelta(hours=6)
# Telegram lets a bot delete its messages for 48 hours: the safe exit needs their ids till then.
KEPT_FINISHED = timedelta(hours=48)
OPEN_SCREENS = frozenset({"survey", "language", "consent"})
APPLIED_KEPT = 64
MESSAGES_KEPT = 500
_ROUTE = "draft_route"

F = TypeVar("F", bound=Callable[..., Any])
Stored = tuple[bytes, datetime]  # a draft as stored: sealed, and when it expires


@dataclass
class Draft:
    key: str
    state: dict[str, Any]
    message_ids: list[int]
    applied_updates: list[int]
    submission: dict[str, Any] | None = None
    sealed: bytes | None = None  # as loaded; None for a draft this turn makes
    expired: bool = False

    @property
    def open(self) -> bool:
        return self.state.get("screen") in OPEN_SCREENS


def continues(when: Callable[[Update, Services], bool] | None = None) -> Callable[[F], F]:
    """Mark a flow that runs in an open draft (when `when` holds for the update, if given)."""

    def mark(flow: F) -> F:
        setattr(flow, _ROUTE, ("open", when))
        return flow

    return mark


def clears(flow: F) -> F:
    """Mark a flow that runs in any draft: the safe exit."""
    setattr(flow, _ROUTE, ("any", None))
    return flow


def takes_payload(update: Update, services: Services) -> bool:
    """/start stays in a draft when it has no payload or leads to the anonymous survey again."""
    text = update.message.text if update.message and update.message.text else ""
    parts = text.split(maxsplit=1)
    if len(parts) < 2:
        return True
    target = parse_payload(parts[1].strip(), services.surveys)
    return target is not None and services.surveys[target.survey].anonymity == "anonymous"


def route(services: Services, update: Update, user_id: int, now: datetime, flow: Any, stored: Stored | None) -> Draft | None:
    """The draft this update runs in, given the person's stored draft; None for the identified
    conversation."""
    marked = getattr(flow, _ROUTE, None)
    if marked is None or stored is None:
        return None
    scope, when = marked
    draft = _opened(services.secret, draft_key(services.secret, user_id), stored, now)
    if draft is None:
        return None
    if scope == "any":
        return draft
    return draft if draft.open and not draft.expired and (when is None or when(update, services)) else None


async def load(session: Any, secret: bytes, user_id: int, now: datetime) -> Draft | None:
    key = draft_key(secret, user_id)
    row = await store.load(session, key)
    return None if row is None else _opened(secret, key, row, now)


def _opened(secret: bytes, key: str, stored: Stored, now: datetime) -> Draft | None:
    sealed, expires_at = stored
    content = anonymous_storage.open_draft(secret, key, sealed)
    if content is None:
        return None
    return Draft(
        key=key, state=content["state"], message_ids=content["message_ids"], applied_updates=content["applied"],
        submission=content.get("submission"), sealed=sealed, expired=expires_at <= now,
    )


def begin_turn(turn: Turn, draft: Draft) -> None:
    """Let `turn` read and write the draft instead of the conversation."""
    turn.draft = draft
    turn.state = dict(draft.state)
    turn.message_ids = list(draft.message_ids)
    turn.applied_updates = list(draft.applied_updates)


async def enter(turn: Turn, survey_id: str) -> None:
    """Move this turn into a draft for the anonymous survey `survey_id`: from here on it writes
    the draft only. An earlier finished draft lends its message and update ids (and a response
    it may still hold); the identified state changed so far in this turn is not saved."""
    if turn.draft is not None:
        turn.state["anonymous"] = survey_id
        return
    found = await load(turn.session, turn.services.secret, turn.user_id, turn.now)
    loaded = turn.loaded[1]
    arrived = turn.message_ids[len(loaded.message_ids) if loaded else 0 :]
    state: dict[str, Any] = {"anonymous": survey_id}
    if "lang" in turn.state or (turn.citizen is not None and turn.citizen.language):
        state["lang"] = turn.lang
    for kept in ("lang", "consent"):  # given in an earlier draft, still for this survey
        if found is not None and kept in found.state:
            state.setdefault(kept, found.state[kept])
    draft = Draft(
        key=draft_key(turn.services.secret, turn.user_id),
        state=state,
        message_ids=[*(found.message_ids if found else []), *arrived],
        applied_updates=list(found.applied_updates) if found else [],
        submission=found.submission if found else None,
        sealed=found.sealed if found else (await _stored(turn)),
    )
    begin_turn(turn, draft)


async def _stored(turn: Turn) -> bytes | None:
    """The sealed value of a draft that did not open (another key): it is replaced."""
    row = await store.load(turn.session, draft_key(turn.services.secret, turn.user_id))
    return row[0] if row else None


def active(turn: Turn) -> bool:
    return turn.draft is not None


async def complete(turn: Turn, defn: SurveyDefinition, response: NewResponse) -> bool:
    """The last answer: write the participation token, and keep the response in the draft
    until `after_commit` moves it to the pending pool in a transaction of its own. False when
    the person already completed the survey this period."""
    assert turn.draft is not None, "an anonymous survey runs in a draft"
    ends_at = anonymous_storage.period_end(defn, turn.now, turn.services.zone)
    if not await participation.take_part(turn.session, turn.services.secret, defn.id, response.period, turn.user_id, ends_at):
        return False
    turn.draft.submission = {
        "id": response.id, "completed_on": response.completed_on.isoformat(),
        "response": anonymous_storage.response_to_json(response),
    }
    return True


def random_respondent_key() -> str:
    """An anonymous response's respondent key: unique, leading to nobody."""
    return secrets.token_hex(32)


async def persist(turn: Turn) -> None:
    """Save the draft (and nothing identified). A safe exit or an erasure removes it, keeping
    only a response it may still hold, which `after_commit` moves on."""
    draft = turn.draft
    assert draft is not None
    session, secret = turn.connection, turn.services.secret
    if turn.erased or turn.cleared:
        if turn.cleared:
            await citizens.delete_conversation(session, turn.key)
        await _keep_only_response(session, secret, draft, turn.now)
        await updates.record(session, turn.update_id, turn.now)
        return
    applied = [*turn.applied_updates, turn.update_id][-APPLIED_KEPT:]
    content = {
        "state": turn.state, "message_ids": turn.message_ids[-MESSAGES_KEPT:], "applied": applied,
        "submission": draft.submission,
    }
    sealed = anonymous_storage.seal_draft(secret, draft.key, content)
    await store.save(session, draft.key, sealed, _expiry(turn), new=draft.sealed is None)
    draft.sealed = sealed


async def record_shown(turn: Turn, state: dict[str, Any], message_ids: list[int]) -> None:
    """After the sending: the draft learns which messages it showed and which is live, in a
    short transaction of its own (never the one that wrote a response or a token)."""
    draft = turn.draft
    assert draft is not None
    secret = turn.services.secret
    content = {
        "state": state, "message_ids": message_ids[-MESSAGES_KEPT:],
        "applied": [*turn.applied_updates, turn.update_id][-APPLIED_KEPT:], "submission": draft.submission,
    }
    sealed = anonymous_storage.seal_draft(secret, draft.key, content)
    async with turn.services.engine.begin() as connection:
        await store.save(connection, draft.key, sealed, _expiry(turn), new=False)
    draft.sealed = sealed


async def _keep_only_response(session: Any, secret: bytes, draft: Draft, now: datetime) -> None:
    if draft.submission is None:
        if draft.sealed is not None:
            await store.delete_draft(session, draft.key)
        return
    content = {"state": {}, "message_ids": [], "applied": [], "submission": draft.submission}
    sealed = anonymous_storage.seal_draft(secret, draft.key, content)
    await store.save(session, draft.key, sealed, _hour_up(now), new=draft.sealed is None)


async def forget(turn: Turn) -> None:
    """/forget on the identified conversation: the person's draft goes too (a response it still
    holds stays, unlinked, like every anonymous answer)."""
    draft = await load(turn.session, turn.services.secret, turn.user_id, turn.now)
    if draft is not None:
        await _keep_only_response(turn.session, turn.services.secret, draft, turn.now)


async def after_commit(turn: Turn) -> None:
    """After the turn's transaction: move a completed response on, and empty SQLite's WAL
    after anything that removed or completed something."""
    moved = False
    if turn.draft is not None and turn.draft.submission is not None:
        try:
            moved = await anonymous_storage.flush(turn.services, turn.draft.key)
        except SQLAlchemyError as error:
            # The response is safe in the draft (its token too): the job moves it later.
            log.warning("a completed anonymous response stays in its draft for now (%s)", type(error).__name__)
    if moved or turn.erased or turn.cleared:
        # SQLite's WAL only: PostgreSQL's tables are VACUUMed by the job, not by every turn.
        await scrub(turn.services.engine, ())


def safe_exit_ids(turn: Turn) -> list[int]:
    """Every message id the safe exit deletes: the draft's and the conversation's, with the
    gaps between them. When nothing but the exit itself is known (the person's draft has
    expired and nothing else is kept), the chat's latest messages before it: a chat numbers
    its messages one after the other, and Telegram skips those it will not delete."""
    loaded = turn.loaded[1]
    identified = loaded.message_ids if loaded is not None and turn.draft is not None else []
    known = {*turn.message_ids, *identified}
    if len(known) == 1:
        (latest,) = known
        known.update(range(max(1, latest - MESSAGES_KEPT + 1), latest))
    return without_gaps(sorted(known))


def without_gaps(message_ids: list[int]) -> list[int]:
    """The conversation's message ids with the gaps filled (a chat numbers its messages one
    after the other): the messages of a draft (and any other) fall inside, so the list shows
    nothing of where else the chat went, and the safe exit deletes them too."""
    known = sorted(set(message_ids))
    filled: list[int] = []
    for earlier, later in zip(known, known[1:]):
        filled.extend(range(earlier, later) if later - earlier <= MESSAGES_KEPT else [earlier])
    return (filled + known[-1:])[-MESSAGES_KEPT:]


def _expiry(turn: Turn) -> datetime:
    lifetime = OPEN_FOR if turn.state.get("screen") in OPEN_SCREENS else KEPT_FINISHED
    until = _hour_up(turn.now + lifetime)
    defn = turn.services.surveys.get(turn.state.get("anonymous", ""))
    if defn is not None:
        until = min(until, _hour_down(anonymous_storage.period_end(defn, turn.now, turn.services.zone)))
    return max(until, _hour_up(turn.now))


def _hour_up(moment: datetime) -> datetime:
    down = _hour_down(moment)
    return down if down == moment else down + timedelta(hours=1)


def _hour_down(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
