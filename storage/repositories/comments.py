"""The free-text answers of every survey, each with what a reader of comments may see beside it:
its question, day, period, language and centre, never another answer of its response.

Anonymous answers come in the order of their ids, which were shuffled when the pool was
released (docs/privacy.md), so the order says nothing about when each came in.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comment_rows import CommentRow
from storage.models import Answer, Centre, Response, SurveyDefinition


async def text_answers(
    session: AsyncSession,
    first: date,
    last: date,
    question_ids: dict[str, frozenset[str]],
    *,
    centre_ids: Collection[str] | None = None,
) -> list[CommentRow]:
    """Answers to the given text questions (by survey) of responses completed on [first, last];
    only those of `centre_ids` when given (an empty collection gives nothing)."""
    if centre_ids is not None and not centre_ids:
        return []
    anonymous = {
        survey_id: anonymity == "anonymous"
        for survey_id, anonymity in (
            await session.execute(select(SurveyDefinition.survey_id, SurveyDefinition.anonymity).distinct())
        ).all()
    }
    found: list[CommentRow] = []
    for survey_id, questions in sorted(question_ids.items()):
        statement = (
            select(Answer.question_id, Answer.value, Response.completed_on, Response.period, Response.language,
                   Response.centre_id, Centre.name_tr)
            .join(Response, Response.id == Answer.response_id)
            .outerjoin(Centre, Centre.id == Response.centre_id)
            .where(Response.survey_id == survey_id, Answer.question_id.in_(questions),
                   Response.completed_on >= first, Response.completed_on <= last)
            .order_by(Answer.id)
        )
        if centre_ids is not None:
            statement = statement.where(Response.centre_id.in_(centre_ids))
        for question_id, value, completed_on, period, language, centre_id, centre in (await session.execute(statement)).all():
            if isinstance(value, str) and value.strip():
                found.append(CommentRow(survey_id, anonymous.get(survey_id, True), question_id, value, completed_on,
                                        period, language, centre_id, centre))
    return found
