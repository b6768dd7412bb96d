"""Survey invitations as they were queued, and how far each led (started, completed), for the
response rates. An anonymous survey's invitations are never marked: that would tie an
anonymous answer to the person invited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.invitation_rows import InvitationRow
from storage.models import Centre, OutboxMessage, Person, SurveyInvitationRecord

STEPS = ("started", "completed")


def invitation_key(survey_id: str, period: str, person_id: int) -> str:
    """One invitation per person, survey and period, whatever sends it; also its outbox key."""
    return f"survey-invite:{survey_id}:{period}:{person_id}"


async def record(
    session: AsyncSession,
    *,
    dedupe_key: str,
    survey_id: str,
    anonymous: bool,
    period: str,
    source: str,
    centre_id: str | None,
    today: date,
) -> None:
    """Keep what sent an invitation just queued; a second record of the same one is ignored."""
    await session.execute(
        insert_ignoring_conflicts(session, SurveyInvitationRecord).values(
            dedupe_key=dedupe_key, survey_id=survey_id, anonymous=anonymous, period=period, source=source,
            centre_id=centre_id, invited_on=today,
        )
    )


async def mark(session: AsyncSession, *, survey_id: str, period: str, telegram_user_id: int, step: str, today: date) -> None:
    """The person invited to this identified survey in this period started or completed it."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    person_id = (
        await session.execute(select(Person.id).where(Person.telegram_user_id == telegram_user_id))
    ).scalar_one_or_none()
    if person_id is None:
        return
    key = invitation_key(survey_id, period, person_id)
    # A completion is a start too, kept with the day it began when that is known.
    columns = ("started_on",) if step == "started" else ("completed_on", "started_on")
    for name in columns:
        column = getattr(SurveyInvitationRecord, name)
        await session.execute(
            update(SurveyInvitationRecord)
            .where(SurveyInvitationRecord.dedupe_key == key, SurveyInvitationRecord.anonymous.is_(False),
                   column.is_(None))
            .values({name: today})
        )


async def keep_deliveries(session: AsyncSession, sent_keys: Select[Any]) -> None:
    """Before sent outbox rows are purged, keep on their invitations that they were delivered."""
    await session.execute(
        update(SurveyInvitationRecord).where(SurveyInvitationRecord.dedupe_key.in_(sent_keys.scalar_subquery()))
        .values(delivered=True)
    )


async def invitations(session: AsyncSession, first: date, last: date) -> list[InvitationRow]:
    """The invitations queued on the days [first, last], with whether each was delivered."""
    statement = (
        select(SurveyInvitationRecord, Centre.name_tr, OutboxMessage.status)
        .outerjoin(Centre, Centre.id == SurveyInvitationRecord.centre_id)
        .outerjoin(OutboxMessage, OutboxMessage.dedupe_key == SurveyInvitationRecord.dedupe_key)
        .where(SurveyInvitationRecord.invited_on >= first, SurveyInvitationRecord.invited_on <= last)
        .order_by(SurveyInvitationRecord.invited_on, SurveyInvitationRecord.dedupe_key)
    )
    return [
        InvitationRow(
            survey_id=row.survey_id, anonymous=row.anonymous, source=row.source, centre=centre,
            invited_on=row.invited_on, delivered=row.delivered or status == "sent", started=row.started_on is not None,
            completed=row.completed_on is not None,
        )
        for row, centre, status in (await session.execute(statement)).all()
    ]
