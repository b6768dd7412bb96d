"""Survey definitions by version, and completed responses with their answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import Answer, Response, SurveyDefinition


class DefinitionChanged(Exception):
    """A survey file changed without a new version: stored responses would lose their meaning."""


class AlreadyAnswered(Exception):
    """This respondent already completed the survey in this period."""


async def register_definition(
    session: AsyncSession,
    *,
    survey_id: str,
    version: int,
    content_hash: str,
    indicator: str | None,
    anonymity: str,
    definition: dict[str, Any],
    now: datetime,
) -> None:
    """Store a definition version once; the same version with other content is refused."""
    statement = insert_ignoring_conflicts(session, SurveyDefinition).values(
        survey_id=survey_id,
        version=version,
        content_hash=content_hash,
        indicator=indicator,
        anonymity=anonymity,
        definition=definition,
        created_at=now,
    )
    await session.execute(statement)
    stored = await session.get(SurveyDefinition, (survey_id, version))
    assert stored is not None
    if stored.content_hash != content_hash:
        raise DefinitionChanged(
            f"survey {survey_id!r} version {version} differs from the stored one: give the changed file a new version"
        )


async def get_definition(session: AsyncSession, survey_id: str, version: int) -> SurveyDefinition | None:
    return await session.get(SurveyDefinition, (survey_id, version))


async def is_anonymous(session: AsyncSession, survey_id: str) -> bool:
    """Whether any stored version of the survey is anonymous; a survey never stored counts as
    anonymous, so figures about it get the strictest suppression."""
    statement = select(SurveyDefinition.anonymity).where(SurveyDefinition.survey_id == survey_id)
    kinds = set((await session.execute(statement)).scalars())
    return not kinds or "anonymous" in kinds


async def has_response(session: AsyncSession, survey_id: str, period: str, respondent_key: str) -> bool:
    statement = select(Response.id).where(
        Response.survey_id == survey_id, Response.period == period, Response.respondent_key == respondent_key
    )
    return (await session.execute(statement)).first() is not None


RESPONSE_ID_BITS = 63


def new_response_id() -> int:
    """A random positive 63-bit id: response ids come from no sequence, so an anonymous
    response cannot be dated by the timed responses of another survey numbered around it."""
    return secrets.randbits(RESPONSE_ID_BITS) or 1


@dataclass(frozen=True)
class NewResponse:
    survey_id: str
    survey_version: int
    period: str
    respondent_key: str
    language: str
    completed_on: date
    completed_at: datetime | None
    answers: dict[str, Any]
    centre_id: str | None = None
    respondent_role: str | None = None
    satisfied: bool | None = None
    score: int | None = None
    id: int = field(default_factory=new_response_id)


async def save_response(session: AsyncSession, new: NewResponse) -> int:
    """Insert a response and its answers; raises AlreadyAnswered on a second one in the period,
    or on a second insert of the same response id.

    The period's uniqueness is checked by the INSERT itself (nothing returned on a conflict),
    so no savepoint is needed and the transaction stays usable on both databases.
    """
    statement = insert_ignoring_conflicts(session, Response).values(
        id=new.id,
        survey_id=new.survey_id,
        survey_version=new.survey_version,
        period=new.period,
        respondent_key=new.respondent_key,
        centre_id=new.centre_id,
        language=new.language,
        respondent_role=new.respondent_role,
        satisfied=new.satisfied,
        score=new.score,
        completed_on=new.completed_on,
        completed_at=new.completed_at,
    )
    response_id = (await session.execute(statement.returning(Response.id))).scalar_one_or_none()
    if response_id is None:
        raise AlreadyAnswered(new.survey_id)
    rows = [
        {"response_id": response_id, "question_id": question_id, "value": value, "value_number": _number(value)}
        for question_id, value in new.answers.items()
    ]
    if rows:
        await session.execute(insert(Answer.__table__), rows)
    return response_id


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
