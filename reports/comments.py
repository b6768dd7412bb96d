"""The free-text comments staff and managers read, as one list every output (chat, workbook)
takes: newest first, each with its survey, question, day and language.

A comment is shown alone, never beside another answer of its response. Anonymous comments
(docs/privacy.md, "Small groups") are shown only in groups of at least 5 of the same survey
and period within the days shown, carry the period, not the day, and keep the order of their
shuffled ids inside it, so neither the day nor the order points at the one woman who wrote one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from reports.stats import MIN_CELL_N
from storage.comment_rows import CommentRow
from surveys.definition import SurveyDefinition, TextQuestion
from surveys.labels import Labels
from surveys.periods import next_period_start


@dataclass(frozen=True)
class Comment:
    survey_id: str
    survey_title: Labels
    question_id: str
    question: Labels
    text: str
    day: date | None  # None for an anonymous comment: only its period is shown
    period: str
    language: str
    centre_id: str | None
    centre: str | None
    anonymous: bool
    dated: date  # what "newest first" sorts by: the day, or the anonymous period's end


def text_questions(surveys: Iterable[SurveyDefinition]) -> dict[str, frozenset[str]]:
    """The free-text questions of each survey: the only answers comments read."""
    return {
        survey.id: frozenset(q.id for q in survey.questions if isinstance(q, TextQuestion)) for survey in surveys
    }


def comment_list(rows: Iterable[CommentRow], surveys: Mapping[str, SurveyDefinition]) -> tuple[Comment, ...]:
    """The comments that may be shown, newest first; anonymous groups under 5 left out."""
    identified: list[Comment] = []
    groups: dict[tuple[str, str], list[Comment]] = defaultdict(list)
    for row in rows:
        survey = surveys.get(row.survey_id)
        if survey is None:
            continue
        question = next((q for q in survey.questions if q.id == row.question_id), None)
        label = question.label if question is not None else Labels(tr=row.question_id, en=row.question_id,
                                                                    ar=row.question_id)
        anonymous = row.anonymous or survey.anonymity == "anonymous"
        dated = next_period_start(survey.period, row.completed_on) - timedelta(days=1) if anonymous else row.completed_on
        comment = Comment(
            survey_id=survey.id, survey_title=survey.title, question_id=row.question_id, question=label,
            text=row.text, day=None if anonymous else row.completed_on, period=row.period, language=row.language,
            centre_id=row.centre_id, centre=row.centre, anonymous=anonymous, dated=dated,
        )
        if anonymous:
            groups[(survey.id, row.period)].append(comment)
        else:
            identified.append(comment)
    shown = identified + [c for group in groups.values() if len(group) >= MIN_CELL_N for c in group]
    # A stable sort keeps the anonymous comments of one period in the order of their shuffled ids.
    return tuple(sorted(shown, key=lambda comment: comment.dated, reverse=True))
