"""One response per person and period for anonymous surveys, without a key that outlives it.

A participation token is `HMAC(period_salt, participant)` (storage/pseudonyms.py). The salt is
random per survey and period and is deleted, with the period's tokens, once the period ends:
then nothing, not even KENTBOT_SECRET, tells who took part. Salts, tokens and drafts are left
out of backups (bot/commands/backup.py).
"""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import ParticipationSalt, ParticipationToken
from storage.pseudonyms import participant, participation_token, respondent_key
from storage.repositories import surveys
from storage.rowcount import changed_rows

SALT_BYTES = 32
# Left out of every backup: who took part this period, surveys in progress, and the chat trails
# (message ids kept for minutes before consent and after an erasure).
NOT_BACKED_UP = ("participation_salts", "participation_tokens", "survey_drafts", "chat_trails")


async def ensure_salt(session: AsyncSession, survey_id: str, period: str, ends_at: datetime) -> bytes:
    """The period's salt, made now if it does not exist yet."""
    statement = insert_ignoring_conflicts(session, ParticipationSalt).values(
        survey_id=survey_id, period=period, salt=os.urandom(SALT_BYTES), ends_at=ends_at
    )
    await session.execute(statement)
    salt = await _salt(session, survey_id, period)
    assert salt is not None
    return salt


async def _salt(session: AsyncSession, survey_id: str, period: str) -> bytes | None:
    statement = select(ParticipationSalt.salt).where(ParticipationSalt.survey_id == survey_id, ParticipationSalt.period == period)
    return (await session.execute(statement)).scalar_one_or_none()


async def took_part(session: AsyncSession, secret: bytes, survey_id: str, period: str, telegram_user_id: int) -> bool:
    salt = await _salt(session, survey_id, period)
    if salt is None:
        return False
    token = participation_token(salt, participant(secret, telegram_user_id))
    statement = select(ParticipationToken.token).where(
        ParticipationToken.survey_id == survey_id, ParticipationToken.period == period, ParticipationToken.token == token
    )
    return (await session.execute(statement)).first() is not None


async def answered(
    session: AsyncSession, secret: bytes, survey_id: str, anonymity: str, period: str, telegram_user_id: int
) -> bool:
    """Whether this person completed the survey in the period: by participation token for an
    anonymous survey, by respondent key otherwise."""
    if anonymity == "anonymous":
        return await took_part(session, secret, survey_id, period, telegram_user_id)
    return await surveys.has_response(session, survey_id, period, respondent_key(secret, survey_id, telegram_user_id))


async def take_part(
    session: AsyncSession, secret: bytes, survey_id: str, period: str, telegram_user_id: int, ends_at: datetime
) -> bool:
    """Record that this person completed the survey this period; False if they already had."""
    salt = await ensure_salt(session, survey_id, period, ends_at)
    token = participation_token(salt, participant(secret, telegram_user_id))
    statement = insert_ignoring_conflicts(session, ParticipationToken).values(survey_id=survey_id, period=period, token=token, fresh=True)
    return changed_rows(await session.execute(statement)) == 1


async def end_periods(session: AsyncSession, now: datetime) -> int:
    """Delete the salts and tokens of every period that has ended; how many tokens went."""
    ended = select(ParticipationSalt.survey_id, ParticipationSalt.period).where(ParticipationSalt.ends_at <= now)
    pairs = [tuple(row) for row in (await session.execute(ended)).all()]
    if not pairs:
        return 0
    tokens = await session.execute(
        delete(ParticipationToken).where(tuple_(ParticipationToken.survey_id, ParticipationToken.period).in_(pairs))
    )
    await session.execute(delete(ParticipationSalt).where(ParticipationSalt.ends_at <= now))
    return changed_rows(tokens)


async def settle(session: AsyncSession) -> int:
    """Rewrite the tokens written since the last run in one statement (one PostgreSQL xmin)."""
    statement = update(ParticipationToken).where(ParticipationToken.fresh.is_(True)).values(fresh=False)
    return changed_rows(await session.execute(statement))
