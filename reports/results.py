"""Per-question results of a survey: one model that every renderer (terminal, JSON, a
workbook sheet, a chat screen) reads, computed from the responses alone.

Each question is counted over the responses that were asked it: a conditional question
over those whose earlier answers made it relevant in the version they answered, so "3 of 4
said yes" never hides 30 who were never asked. Skipped and "does not apply" answers are
counted apart and are in no n, share or mean.

Versions: a question counts the responses of every version that asked it in the same form
(words, scale, options, condition) as the current version. A version that asked it otherwise
is counted on its own (`by_version`), and a question the current version no longer asks is
given per version it was answered in (`retired`), so no figure mixes two wordings. A version
first answered within the period after another is listed in `changes`.

The same honesty rules as the indicators (docs/privacy.md, "Small groups"):
- a question with fewer than 5 answers shows no figure; for an anonymous survey not even
  its n, and an anonymous survey with fewer than 5 responses shows nothing at all;
- fewer than 30 answers is flagged as a small sample;
- a count from 1 to 4 (a scale point, an option, a skip count) is hidden; for an anonymous
  survey the smallest counts beside it are hidden too, within each group whose total is
  published (the two sides of top-2-box, the options, chosen / not chosen), so no hidden
  count can be worked out, and a mean or a yes share that would give one back is hidden;
- an anonymous survey shows no minimum or maximum of a number: each is one person's answer.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from reports.stats import MIN_CELL_N, SMALL_SAMPLE_N, hidden_cells, interval_percent
from storage.answered import ResponseAnswers
from surveys.definition import (
    Likert5Question,
    MultipleQuestion,
    NoteQuestion,
    NumberQuestion,
    Question,
    SingleQuestion,
    SurveyDefinition,
    TextQuestion,
    YesNoQuestion,
)
from surveys.engine import is_relevant
from surveys.labels import NOT_APPLICABLE, NOT_APPLICABLE_VALUE, YES_NO, Labels

SKIPPED = Labels(tr="Yanıtsız geçildi", en="Skipped", ar="تم التخطي")
TOP2_DEFAULT = (4, 5)


@dataclass(frozen=True)
class Cell:
    """One published count: a scale point, an option, the skips. `count` and `share` (percent
    of the question's n; for multiple choice, of its respondents) are None when hidden."""

    key: str
    label: Labels
    count: int | None
    share: float | None
    hidden: bool = False


@dataclass(frozen=True)
class Share:
    """A proportion in percent with its n and 95% Wilson interval (reports.stats)."""

    successes: int
    n: int
    percent: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class NumberSummary:
    mean: float
    q1: float
    median: float
    q3: float
    minimum: float | None  # None for an anonymous survey
    maximum: float | None


@dataclass(frozen=True)
class VersionChange:
    """A survey version first answered within the period after an earlier one was."""

    version: int
    first_day: date


@dataclass(frozen=True)
class VersionResult:
    """A question as one version asked it, counted over that version's responses only."""

    version: int
    question: QuestionResult


@dataclass(frozen=True)
class QuestionResult:
    id: str
    type: str
    label: Labels
    condition: str | None
    n: int | None  # answers counted; None when hidden (anonymous, fewer than 5)
    suppressed: bool  # fewer than 5 answers: no figure is shown
    small_sample: bool  # fewer than 30 answers
    skipped: Cell
    not_applicable: Cell | None = None  # Likert items that offer it
    cells: tuple[Cell, ...] = ()
    top2: Share | None = None  # Likert: top-2-box
    mean: float | None = None  # Likert: 1..5
    yes: Share | None = None  # yes / no
    numbers: NumberSummary | None = None
    by_version: tuple[VersionResult, ...] = ()  # versions that asked it in another form


@dataclass(frozen=True)
class SurveyResults:
    survey_id: str
    title: Labels
    anonymous: bool
    first: date
    last: date
    centre: str | None
    versions: tuple[int, ...]
    responses: int | None  # None when hidden
    suppressed: bool  # an anonymous survey with fewer than 5 responses: nothing is shown
    questions: tuple[QuestionResult, ...] = field(default=())
    changes: tuple[VersionChange, ...] = ()
    retired: tuple[VersionResult, ...] = ()  # questions of earlier versions the current one no longer asks


@dataclass(frozen=True)
class _Tally:
    """What one question's responses said, before anything is hidden."""

    values: list[Any]
    skipped: int
    not_applicable: int


def survey_results(
    current: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
    rows: Sequence[ResponseAnswers],
    *,
    first: date,
    last: date,
    centre: str | None = None,
) -> SurveyResults:
    """Every answered question of `current`, counted over `rows`; `versions` gives the
    definition each response answered (a version missing there is read as `current`)."""
    anonymous = current.anonymity == "anonymous"
    shown_versions = tuple(sorted({row.survey_version for row in rows}))
    if anonymous and len(rows) < MIN_CELL_N:
        return SurveyResults(current.id, current.title, True, first, last, centre, (), None, True)
    asked_in = {version: versions.get(version, current) for version in shown_versions}
    questions = tuple(
        replace(
            _question_result(current, question, _tally(question, asked_in, rows), anonymous),
            by_version=_other_forms(question, asked_in, rows, anonymous),
        )
        for question in current.questions
        if not isinstance(question, NoteQuestion)
    )
    return SurveyResults(
        current.id, current.title, anonymous, first, last, centre, shown_versions, len(rows), False, questions,
        changes=_changes(rows), retired=_retired(current, asked_in, rows, anonymous),
    )


def _form(question: Question) -> dict[str, Any]:
    """What a person was shown and who was asked: a change in it makes figures incomparable.
    Whether it could be skipped, and its hint, are not part of it."""
    return question.model_dump(mode="json", exclude={"required", "hint"})


def _in(definition: SurveyDefinition, question_id: str) -> Question | None:
    return next((q for q in definition.questions if q.id == question_id), None)


def _other_forms(
    question: Question, asked_in: Mapping[int, SurveyDefinition], rows: Sequence[ResponseAnswers], anonymous: bool
) -> tuple[VersionResult, ...]:
    """The question counted apart for each version that asked it in another form."""
    found = []
    for version, definition in sorted(asked_in.items()):
        asked = _in(definition, question.id)
        if asked is None or isinstance(asked, NoteQuestion) or _form(asked) == _form(question):
            continue
        own = [row for row in rows if row.survey_version == version]
        found.append(VersionResult(version, _question_result(definition, asked, _tally(asked, {version: definition}, own), anonymous)))
    return tuple(found)


def _retired(
    current: SurveyDefinition, asked_in: Mapping[int, SurveyDefinition], rows: Sequence[ResponseAnswers], anonymous: bool
) -> tuple[VersionResult, ...]:
    """Each question of an earlier version that the current one does not ask, per version."""
    found = []
    for version, definition in sorted(asked_in.items()):
        own = [row for row in rows if row.survey_version == version]
        for asked in definition.questions:
            if isinstance(asked, NoteQuestion) or _in(current, asked.id) is not None:
                continue
            tally = _tally(asked, {version: definition}, own)
            found.append(VersionResult(version, _question_result(definition, asked, tally, anonymous)))
    return tuple(found)


def _changes(rows: Sequence[ResponseAnswers]) -> tuple[VersionChange, ...]:
    """Every version answered in the period after the first, with the day it was first answered."""
    first_days: dict[int, date] = {}
    for row in rows:
        known = first_days.get(row.survey_version)
        first_days[row.survey_version] = row.completed_on if known is None else min(known, row.completed_on)
    return tuple(VersionChange(version, day) for version, day in sorted(first_days.items())[1:])


def _tally(question: Question, asked_in: Mapping[int, SurveyDefinition], rows: Sequence[ResponseAnswers]) -> _Tally:
    """The answers of the responses whose version asked `question` in the same form."""
    values: list[Any] = []
    skipped = not_applicable = 0
    for row in rows:
        asked_as = _asked(question, asked_in[row.survey_version], row.answers)
        if asked_as is None:
            continue
        value = row.answers.get(question.id)
        if value is None or not _fits(question, value):
            skipped += 1
        elif value == NOT_APPLICABLE_VALUE:
            not_applicable += 1
        else:
            values.append(value)
    return _Tally(values, skipped, not_applicable)


def _asked(question: Question, definition: SurveyDefinition, answers: Mapping[str, Any]) -> Question | None:
    """The question as that version asked it, if it did: the same id and form, relevant on
    the response's answers."""
    asked = _in(definition, question.id)
    if asked is None or _form(asked) != _form(question) or not is_relevant(asked, answers):
        return None
    return asked


def _fits(question: Question, value: Any) -> bool:
    """Whether a stored value is an answer of this question's kind (older versions may differ)."""
    if isinstance(question, Likert5Question):
        return value == NOT_APPLICABLE_VALUE or (type(value) is int and 1 <= value <= 5)
    if isinstance(question, SingleQuestion):
        return value in {option.value for option in question.options}
    if isinstance(question, MultipleQuestion):
        return isinstance(value, list)
    if isinstance(question, YesNoQuestion):
        return value in ("yes", "no")
    if isinstance(question, NumberQuestion):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _question_result(
    definition: SurveyDefinition, question: Question, tally: _Tally, anonymous: bool
) -> QuestionResult:
    n = len(tally.values)
    suppressed = n < MIN_CELL_N
    offers_na = isinstance(question, Likert5Question) and question.not_applicable
    side_cells = _side_cells(n, tally, offers_na, anonymous)
    base = QuestionResult(
        id=question.id,
        type=question.type,
        label=question.label,
        condition=question.relevant,
        n=None if anonymous and suppressed else n,
        suppressed=suppressed,
        small_sample=n < SMALL_SAMPLE_N,
        skipped=side_cells[0],
        not_applicable=side_cells[1] if offers_na else None,
    )
    if suppressed or isinstance(question, TextQuestion):
        return base
    if isinstance(question, Likert5Question):
        return replace(base, **_likert(definition, question, tally.values, anonymous))
    if isinstance(question, SingleQuestion):
        counts = [(o.value, o.label, sum(v == o.value for v in tally.values)) for o in question.options]
        return replace(base, cells=tuple(_cells(counts, n, anonymous)))
    if isinstance(question, MultipleQuestion):
        return replace(base, cells=tuple(_chosen(question, tally.values, anonymous)))
    if isinstance(question, YesNoQuestion):
        counts = [(value, labels, sum(v == value for v in tally.values)) for value, labels in YES_NO]
        cells = _cells(counts, n, anonymous)
        hides = anonymous and any(cell.hidden for cell in cells)
        return replace(base, cells=tuple(cells), yes=None if hides else _share(counts[0][2], n))
    assert isinstance(question, NumberQuestion)
    return replace(base, numbers=_numbers(tally.values, anonymous))


def _likert(definition: SurveyDefinition, question: Likert5Question, values: list[int], anonymous: bool) -> dict[str, Any]:
    n = len(values)
    satisfied = set(definition.score.satisfied if definition.score and definition.score.question == question.id else TOP2_DEFAULT)
    points = [(str(point), question.scale[point - 1], sum(v == point for v in values)) for point in range(1, 6)]
    cells: list[Cell | None] = [None] * 5
    # Each side of top-2-box has a published total (the share), so each is its own group.
    for side in ([p for p in range(1, 6) if p not in satisfied], sorted(satisfied)):
        for point, cell in zip(side, _cells([points[p - 1] for p in side], n, anonymous)):
            cells[point - 1] = cell
    shown = tuple(cell for cell in cells if cell is not None)
    hides = anonymous and any(cell.hidden for cell in shown)
    return {
        "cells": shown,
        "top2": _share(sum(v in satisfied for v in values), n),
        "mean": None if hides else statistics.fmean(values),
    }


def _side_cells(n: int, tally: _Tally, offers_na: bool, anonymous: bool) -> list[Cell]:
    """The skips (and "does not apply" answers) of a question, each hidden from 1 to 4.

    With the answers counted they make up those asked, whom the responses give for a question
    without a condition: so in an anonymous survey, when the answers counted are hidden (1 to
    4), as many of these are hidden too as it takes that the answers cannot be worked out.
    """
    side = [("skipped", SKIPPED, tally.skipped)]
    if offers_na:
        side.append((NOT_APPLICABLE_VALUE, NOT_APPLICABLE, tally.not_applicable))
    group = [n, *(count for _, _, count in side)]
    hidden = hidden_cells(group, complementary=anonymous and 0 < n < MIN_CELL_N)
    return [
        Cell(key, labels, None, None, True) if index in hidden else Cell(key, labels, count, None)
        for index, (key, labels, count) in enumerate(side, start=1)
    ]


def _chosen(question: MultipleQuestion, values: list[list[str]], anonymous: bool) -> list[Cell]:
    """Respondents who chose each option; chosen and not chosen form a group of their own."""
    n = len(values)
    cells = []
    for option in question.options:
        count = sum(option.value in chosen for chosen in values)
        group = [count, n - count] if anonymous else [count]
        hidden = 0 in hidden_cells(group, complementary=anonymous)
        cells.append(Cell(option.value, option.label, None if hidden else count, None if hidden else 100 * count / n, hidden))
    return cells


def _cells(counts: Sequence[tuple[str, Labels, int]], n: int | None, anonymous: bool) -> list[Cell]:
    """Cells of one group whose total is published; shares of `n` when given."""
    hidden = hidden_cells([count for _, _, count in counts], complementary=anonymous)
    return [
        Cell(key, labels, None, None, True)
        if index in hidden
        else Cell(key, labels, count, None if not n else 100 * count / n)
        for index, (key, labels, count) in enumerate(counts)
    ]


def _share(successes: int, n: int) -> Share:
    interval = interval_percent(successes, n)
    assert interval is not None
    return Share(successes, n, 100 * successes / n, interval)


def _numbers(values: list[float], anonymous: bool) -> NumberSummary:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return NumberSummary(
        mean=statistics.fmean(values),
        q1=q1,
        median=median,
        q3=q3,
        minimum=None if anonymous else min(values),
        maximum=None if anonymous else max(values),
    )


def read_versions(stored: Mapping[int, Mapping[str, Any]], current: SurveyDefinition) -> dict[int, SurveyDefinition]:
    """The stored definitions by version; one that no longer parses (a format change since)
    is read as `current` when it is the current version and left out otherwise, so its
    responses are counted as asked `current`'s questions."""
    versions = {}
    for version, raw in stored.items():
        try:
            versions[version] = SurveyDefinition.model_validate(raw)
        except ValueError:
            if version == current.version:
                versions[version] = current
    return versions
