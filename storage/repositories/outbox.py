"""The durable outbox: everything that is not a direct reply is queued here in the same
transaction as the change that caused it, and a drainer sends it within Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import OutboxMessage, Person
from storage.repositories import invitations
from storage.rowcount import changed_rows


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    now: datetime,
    expires_at: datetime | None = None,
) -> bool:
    """Queue one message; False when a message with this dedupe key was queued before. A message
    still unsent at `expires_at` is never sent (it becomes `expired`).

    `payload` holds what the drainer needs: {"text": ..., "reply_markup": ...} for a message,
    {"document": {"file_name", "content_b64"}, "caption"} or {"photo": ...} for files.
    """
    statement = insert_ignoring_conflicts(session, OutboxMessage).values(
        dedupe_key=dedupe_key,
        chat_id=chat_id,
        kind=kind,
        payload=payload,
        status="pending",
        attempts=0,
        not_before=not_before,
        expires_at=expires_at,
        created_at=now,
    )
    return changed_rows(await session.execute(statement)) == 1


# --- The drainer's claim/send protocol ------------------------------------------------------
#
# pending --claim--> claimed --start_sending--> sending --> sent | blocked | failed | pending (retry)
# pending --past its expires_at--> expired
#
# A row is `claimed` while it waits for its turn under the rate limits: nothing has gone to
# Telegram yet, so an expired claim simply goes back to `pending`. Just before the HTTP call the
# row becomes `sending` in its own committed transaction; if the worker dies after that, nobody
# can know whether Telegram delivered it, so an expired `sending` row becomes `uncertain` and is
# never sent again unless a person releases it. Every step after the claim names the worker
# (`claimed_by`), so a worker whose lease ran out cannot touch a row someone else took over.

PENDING, CLAIMED, SENDING, SENT, BLOCKED, FAILED, UNCERTAIN, EXPIRED = (
    "pending", "claimed", "sending", "sent", "blocked", "failed", "uncertain", "expired"
)
STATUSES = (PENDING, CLAIMED, SENDING, SENT, BLOCKED, FAILED, UNCERTAIN, EXPIRED)


@dataclass(frozen=True)
class Claimed:
    """What the drainer needs of a row, detached from the session that claimed it."""

    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


async def claim_due(
    session: AsyncSession, *, worker: str, now: datetime, limit: int, lease: timedelta
) -> list[Claimed]:
    """Take up to `limit` due rows for `worker`, oldest first.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so workers claiming at once get disjoint rows.
    SQLite: the transaction began IMMEDIATE, so claims by several processes are serialised.
    """
    due = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.not_before <= now,
            or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
        )
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (await session.execute(due)).scalars().all()
    for row in rows:
        row.status, row.claimed_by, row.claimed_until = CLAIMED, worker, now + lease
    await session.flush()
    return [Claimed(r.id, r.chat_id, r.kind, dict(r.payload), r.attempts) for r in rows]


async def expire_leases(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """Return rows of dead or stalled workers: (claimed rows back to pending, sending rows now uncertain)."""
    released = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == CLAIMED, OutboxMessage.claimed_until < now)
        .values(status=PENDING, claimed_by=None, claimed_until=None)
    )
    uncertain = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now)
        .values(status=UNCERTAIN, last_error="the worker stopped while sending; delivery unknown")
    )
    return changed_rows(released), changed_rows(uncertain)


async def expire_overdue(session: AsyncSession, now: datetime) -> int:
    """Pending rows past their time (a reminder the evening has overtaken) are never sent."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.expires_at <= now)
        .values(status=EXPIRED)
    )
    return changed_rows(result)


def _held(row_id: int, worker: str, *statuses: str) -> Any:
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker, OutboxMessage.status.in_(statuses))
        .execution_options(synchronize_session=False)
    )


async def start_sending(session: AsyncSession, row_id: int, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Commit this before the HTTP call; False means the claim was lost and the row must not be sent."""
    # SENDING too: repeating this step after a dropped connection must not lose the claim.
    result = await session.execute(
        _held(row_id, worker, CLAIMED, SENDING).values(status=SENDING, claimed_until=now + lease)
    )
    return changed_rows(result) == 1


async def mark_sent(session: AsyncSession, row_id: int, *, worker: str, now: datetime, message_id: int | None) -> bool:
    """Also settles a row that was declared uncertain while its (slow, not dead) worker was still sending."""
    result = await session.execute(
        _held(row_id, worker, SENDING, UNCERTAIN).values(
            status=SENT, sent_at=now, telegram_message_id=message_id, claimed_until=None, last_error=None
        )
    )
    return changed_rows(result) == 1


async def reschedule(
    session: AsyncSession, row_id: int, *, worker: str, not_before: datetime, error: str | None, count_attempt: bool
) -> bool:
    """Back to pending for a later try: Telegram answered, so this attempt surely was not delivered."""
    values: dict[str, Any] = {
        "status": PENDING, "not_before": not_before, "claimed_by": None, "claimed_until": None, "last_error": error
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    result = await session.execute(_held(row_id, worker, CLAIMED, SENDING, UNCERTAIN).values(**values))
    return changed_rows(result) == 1


async def mark_final(session: AsyncSession, row_id: int, *, worker: str, status: str, error: str) -> bool:
    """`blocked` (the person blocked the bot) or `failed` (refused, or out of attempts)."""
    if status not in (BLOCKED, FAILED):
        raise ValueError(f"not a final failure status: {status!r}")
    result = await session.execute(
        _held(row_id, worker, SENDING, UNCERTAIN).values(
            status=status, last_error=error, claimed_until=None, attempts=OutboxMessage.attempts + 1
        )
    )
    return changed_rows(result) == 1


async def mark_unreachable(session: AsyncSession, chat_id: int, now: datetime) -> int:
    """The person behind `chat_id` blocked the bot: campaigns skip them from now on."""
    result = await session.execute(
        update(Person)
        .where(Person.telegram_user_id == chat_id, Person.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )
    return changed_rows(result)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows.all()}


async def list_status(session: AsyncSession, status: str, limit: int = 1000) -> Sequence[OutboxMessage]:
    statement = select(OutboxMessage).where(OutboxMessage.status == status).order_by(OutboxMessage.id).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def release_uncertain(session: AsyncSession, row_ids: Sequence[int], now: datetime) -> list[int]:
    """A person checked that these were not delivered: send them again. Returns the ids released."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(row_ids)), OutboxMessage.status == UNCERTAIN)
        .values(status=PENDING, not_before=now, claimed_by=None, claimed_until=None)
        .returning(OutboxMessage.id)
    )
    return sorted((await session.execute(statement)).scalars().all())


async def settle_uncertain(session: AsyncSession, row_ids: Sequence[int]) -> list[int]:
    """A person confirmed these were delivered (or decided not to resend): close them as sent."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(row_ids)), OutboxMessage.status == UNCERTAIN)
        .values(status=SENT, claimed_by=None, claimed_until=None)
        .returning(OutboxMessage.id)
    )
    return sorted((await session.execute(statement)).scalars().all())


async def deliveries(session: AsyncSession, chat_id: int) -> list[tuple[int, datetime]]:
    """(Telegram message id, sent at) of every message the drainer delivered to this chat and
    still remembers (sent rows are kept thirty days): the safe exit deletes them too."""
    statement = select(OutboxMessage.telegram_message_id, OutboxMessage.sent_at).where(
        OutboxMessage.chat_id == chat_id,
        OutboxMessage.status == SENT,
        OutboxMessage.telegram_message_id.is_not(None),
        OutboxMessage.sent_at.is_not(None),
    )
    return [(int(message_id), sent_at) for message_id, sent_at in (await session.execute(statement)).all()]  # type: ignore[arg-type, misc]  # SQL: both set


@dataclass(frozen=True)
class ChatErased:
    cancelled: int  # not yet handed to Telegram: they will never be sent
    removed: int  # sent, refused, blocked or of unknown fate: their text and chat id are gone


async def erase_chat(session: AsyncSession, chat_id: int) -> ChatErased:
    """Remove every message queued for this chat, whatever its state. A row a drainer holds is
    gone too: its next step finds nothing and sends nothing (only a row already handed to
    Telegram may still arrive)."""
    statuses = dict(
        (await session.execute(
            select(OutboxMessage.status, func.count()).where(OutboxMessage.chat_id == chat_id).group_by(OutboxMessage.status)
        )).all()
    )
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
    cancelled = statuses.get(PENDING, 0) + statuses.get(CLAIMED, 0)
    return ChatErased(cancelled=cancelled, removed=sum(statuses.values()) - cancelled)


async def delete_sent_before(session: AsyncSession, cutoff: datetime) -> int:
    settled = (
        OutboxMessage.status.in_((SENT, EXPIRED)),
        # Rows settled by hand and expired ones have no send time; their creation time stands in.
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
    )
    # The response rates still count a survey invitation as delivered once its row is gone.
    await invitations.keep_deliveries(
        session, select(OutboxMessage.dedupe_key).where(*settled, OutboxMessage.status == SENT)
    )
    result = await session.execute(delete(OutboxMessage).where(*settled))
    return changed_rows(result)
