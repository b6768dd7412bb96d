"""Where a completed anonymous response goes, and the periodic job that keeps the anonymous
tables short-lived.

A completed response travels in three transactions, none of which writes two of the person's
things (docs/privacy.md):
1. the turn that takes the last answer writes the participation token and puts the response,
   sealed, into the person's draft (bot/chat/conversation/drafts.py);
2. `flush` copies it into the pending pool, writing nothing else;
3. `flush` then takes it out of the draft.
A crash after 1 or 2 loses nothing: the next turn or the job flushes again, and a response
pooled twice is released once (its id is the primary key of `responses`).

The job, every few minutes: flushes what a crash left in a draft, deletes expired drafts,
releases the pool into `responses` in shuffled order once it holds RELEASE_BATCH responses or
holds one completed on an earlier day, deletes the salts and tokens of ended periods, rewrites
the rows written since its last run so they share one PostgreSQL transaction id, and scrubs
(SQLite: WAL checkpoint and truncate; PostgreSQL: VACUUM).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.services import Services, build_services
from storage.locks import lock_in_transaction
from storage.maintenance import scrub
from storage.repositories import drafts as draft_store
from storage.repositories import participation, pending
from storage.repositories.surveys import NewResponse
from storage.sealing import Unreadable, seal, unseal
from surveys.definition import SurveyDefinition
from surveys.periods import next_period_start, period_of

log = logging.getLogger(__name__)

DRAFT = "draft"
PENDING = "pending-response"
RELEASE_BATCH = 10
JOB_SECONDS = 600.0
JOB_LOCK = "kentbot:anonymous-storage"
ANONYMOUS_TABLES = ("survey_drafts", "pending_responses", "participation_tokens", "participation_salts")


def period_end(defn: SurveyDefinition, now: datetime, zone: ZoneInfo) -> datetime:
    """The instant the survey's current period ends (local midnight), in UTC."""
    end = next_period_start(defn.period, now.astimezone(zone).date())
    return datetime.combine(end, time.min, tzinfo=zone).astimezone(timezone.utc)


def response_to_json(response: NewResponse) -> dict[str, Any]:
    values = asdict(response)
    values["completed_on"] = response.completed_on.isoformat()
    values["completed_at"] = None
    return values


def response_from_json(values: dict[str, Any]) -> NewResponse:
    return NewResponse(**{**values, "completed_on": date.fromisoformat(values["completed_on"])})


def open_draft(secret: bytes, key: str, sealed: bytes) -> dict[str, Any] | None:
    """A draft's content, or None when it does not open (KENTBOT_SECRET was changed)."""
    try:
        return unseal(secret, DRAFT, key, sealed)
    except Unreadable:
        return None


def seal_draft(secret: bytes, key: str, content: dict[str, Any]) -> bytes:
    return seal(secret, DRAFT, key, content)


def holds_only_a_response(content: dict[str, Any]) -> bool:
    """A draft kept after a safe exit or an erasure for nothing but its response."""
    return not content.get("state") and not content.get("message_ids")


async def flush(services: Services, key: str) -> bool:
    """Move the response a draft holds into the pending pool (step 2), then out of the draft
    (step 3). True if there was one."""
    secret = services.secret
    async with services.sessions.begin() as session:
        row = await draft_store.load(session, key)
        content = open_draft(secret, key, row[0]) if row else None
        submission = content.get("submission") if content else None
        if row is None or content is None or submission is None:
            return False
        response_id = int(submission["id"])
        completed_on = date.fromisoformat(submission["completed_on"])
        await pending.add(session, response_id, completed_on, seal(secret, PENDING, str(response_id), submission))
    content["submission"] = None
    remaining = None if holds_only_a_response(content) else seal_draft(secret, key, content)
    async with services.sessions.begin() as session:
        # A turn that saved the draft meanwhile kept the response in it: the next flush retries.
        await draft_store.replace_if_unchanged(session, key, row[0], remaining)
    return True


@dataclass(frozen=True)
class Tidied:
    flushed: int
    drafts_purged: int
    released: int
    tokens_ended: int


async def tidy(services: Services, now: datetime, *, release_all: bool = False) -> Tidied:
    """One run of the job; `release_all` releases the pool whatever its size (the demo's end,
    an operator closing a campaign)."""
    secret = services.secret
    async with services.sessions() as session:
        stored = await draft_store.everything(session)
    flushed = purged = 0
    for key, sealed, expires_at in stored:
        content = open_draft(secret, key, sealed)
        try:
            if content is not None and content.get("submission") is not None:
                flushed += await flush(services, key)
                continue  # purged at the next run, once it holds no response
            if expires_at <= now:
                async with services.sessions.begin() as session:
                    purged += await draft_store.replace_if_unchanged(session, key, sealed, None)
        except SQLAlchemyError as error:
            log.warning("a draft could not be tidied (%s); the next run tries again", type(error).__name__)
    async with services.sessions.begin() as session:
        await lock_in_transaction(session, JOB_LOCK)
        for defn in services.surveys.values():
            if defn.anonymity == "anonymous":
                # Made ahead of the first completion, so its row dates nobody's answer.
                period = period_of(defn.period, now.astimezone(services.zone).date())
                await participation.ensure_salt(session, defn.id, period, period_end(defn, now, services.zone))
        released = await _release(session, secret, now.astimezone(services.zone).date(), release_all)
        ended = await participation.end_periods(session, now)
        await participation.settle(session)
        await draft_store.settle(session)
    await scrub(services.engine, ANONYMOUS_TABLES)
    return Tidied(flushed=flushed, drafts_purged=purged, released=released, tokens_ended=ended)


async def _release(session: Any, secret: bytes, today: date, release_all: bool) -> int:
    pooled = await pending.everything(session)
    due = release_all or len(pooled) >= RELEASE_BATCH or any(on < today for _, on, _ in pooled)
    if not pooled or not due:
        return 0
    batch = [response_from_json(unseal(secret, PENDING, str(response_id), sealed)["response"]) for response_id, _, sealed in pooled]
    secrets.SystemRandom().shuffle(batch)
    return await pending.release(session, batch)


async def tidy_now(settings: Settings, *, release_all: bool = False) -> Tidied:
    """One run from outside the bot: before a report is computed from the database (the pool
    is released when due, as the job would), and at the demo's end (all of it)."""
    services = build_services(settings)
    try:
        return await tidy(services, services.clock(), release_all=release_all)
    finally:
        await services.close()


async def tidy_job(context: Any) -> None:
    tidied = await tidy(context.bot_data["services"], context.bot_data["services"].clock())
    if tidied != Tidied(0, 0, 0, 0):
        log.info("anonymous storage: %s", tidied)
