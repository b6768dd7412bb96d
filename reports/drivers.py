"""Drivers: where one centre differs most from the whole city, and which differences are real.

An item's figure is a proportion: the top-2-box of a Likert item, the yes share of a yes/no
question. A difference is called real only when the two 95% Wilson intervals do not overlap.
That is a conservative test: two proportions whose intervals overlap a little can still differ
at the 5% level (a two-proportion z-test would say so), but no pair whose intervals are apart
is a chance difference at that level. A manager acting on a centre's weak point should act
on fewer, surer differences; both intervals are given so a reader can judge the rest.
The city figure includes the centre itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from reports.results import QuestionResult, Share, SurveyResults, survey_results
from storage.answered import ResponseAnswers
from surveys.definition import SurveyDefinition
from surveys.labels import Labels


@dataclass(frozen=True)
class Driver:
    question_id: str
    label: Labels
    centre: Share
    city: Share
    difference: float  # percentage points, centre minus city
    real: bool  # the two 95% intervals do not overlap


def drivers(centre: SurveyResults, city: SurveyResults) -> tuple[Driver, ...]:
    """The items both results show, the largest difference first."""
    city_shares = {question.id: share for question, share in _shares(city)}
    found = []
    for question, share in _shares(centre):
        whole = city_shares.get(question.id)
        if whole is None:
            continue
        apart = share.ci95[1] < whole.ci95[0] or whole.ci95[1] < share.ci95[0]
        found.append(Driver(question.id, question.label, share, whole, share.percent - whole.percent, apart))
    return tuple(sorted(found, key=lambda driver: (-abs(driver.difference), driver.question_id)))


def _shares(results: SurveyResults) -> Iterator[tuple[QuestionResult, Share]]:
    for question in results.questions:
        share = question.top2 or question.yes
        if share is not None and not question.suppressed:
            yield question, share


@dataclass(frozen=True)
class CentreComparison:
    """A survey's results city-wide and at each centre that has responses, with each centre's
    drivers. An anonymous survey asks no centre, so it has the city-wide results alone."""

    city: SurveyResults
    centres: tuple[SurveyResults, ...]
    drivers: Mapping[str, tuple[Driver, ...]]  # by centre id


def compare_centres(
    current: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
    rows: Sequence[ResponseAnswers],
    *,
    first: date,
    last: date,
) -> CentreComparison:
    """The results of `rows` for the whole city and split by centre, from the one set of rows."""
    city = survey_results(current, versions, rows, first=first, last=last)
    if current.anonymity == "anonymous":
        return CentreComparison(city, (), {})
    ids = sorted({row.centre_id for row in rows if row.centre_id is not None})
    centres = tuple(
        survey_results(current, versions, [row for row in rows if row.centre_id == centre], first=first, last=last,
                       centre=centre)
        for centre in ids
    )
    return CentreComparison(city, centres, {found.centre or "": drivers(found, city) for found in centres})
