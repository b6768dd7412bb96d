"""The answers of a survey's responses, one record per response, for results and exports.

Nothing that leads to a person is read: no respondent key, and the response id only inside
the query, to put each answer with its response. Anonymous responses come in the order of
their random ids, so the order says nothing about when each came in; others by day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.answered import ResponseAnswers
from storage.models import Answer, Response, SurveyDefinition


async def answered(
    session: AsyncSession,
    survey_id: str,
    first: date,
    last: date,
    *,
    centre_id: str | None = None,
    anonymous: bool = False,
) -> list[ResponseAnswers]:
    """Responses completed on the days [first, last], of one centre when given."""
    chosen = select(Response.id).where(
        Response.survey_id == survey_id, Response.completed_on >= first, Response.completed_on <= last
    )
    if centre_id is not None:
        chosen = chosen.where(Response.centre_id == centre_id)
    order = (Response.id,) if anonymous else (Response.completed_on, Response.id)
    heads = (
        await session.execute(
            select(Response.id, Response.survey_version, Response.centre_id, Response.completed_on, Response.period)
            .where(Response.id.in_(chosen.scalar_subquery()))
            .order_by(*order)
        )
    ).all()
    values: dict[int, dict[str, Any]] = {head.id: {} for head in heads}
    rows = await session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value).where(
            Answer.response_id.in_(chosen.scalar_subquery())
        )
    )
    for response_id, question_id, value in rows.all():
        values[response_id][question_id] = value
    return [
        ResponseAnswers(head.survey_version, head.centre_id, head.completed_on, head.period, values[head.id])
        for head in heads
    ]


async def stored_definitions(session: AsyncSession, survey_id: str) -> dict[int, dict[str, Any]]:
    """Every stored version of a survey's definition, as it was when answered."""
    statement = select(SurveyDefinition.version, SurveyDefinition.definition).where(
        SurveyDefinition.survey_id == survey_id
    )
    return {version: definition for version, definition in (await session.execute(statement)).all()}

