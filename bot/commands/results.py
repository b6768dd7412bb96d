"""`kentbot results`: every question's results of a survey for a year, city-wide or for one
centre (then with the items where the centre differs from the city)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.reports import fail, report_session
from bot.config import Settings
from reports.drivers import drivers
from reports.render_results import results_document, results_text
from reports.results import SurveyResults, read_versions, survey_results
from storage.centres import shipped_by_id
from storage.repositories import responses as store
from surveys.definition import SurveyDefinition, load_shipped


class UnknownChoice(Exception):
    """A survey or centre id the operator mistyped; the message names the known ones."""


def known_survey(survey_id: str) -> SurveyDefinition:
    surveys = load_shipped()
    if survey_id not in surveys:
        raise UnknownChoice(f"unknown survey {survey_id!r}; known: {', '.join(sorted(surveys))}")
    return surveys[survey_id]


def known_centre(centre_id: str | None) -> str | None:
    if centre_id is not None and centre_id not in shipped_by_id():
        raise UnknownChoice(f"unknown centre {centre_id!r}; see `kentbot centre list`")
    return centre_id


async def compute(
    session: AsyncSession, current: SurveyDefinition, first: date, last: date, centre: str | None
) -> SurveyResults:
    """The results of `current` for the days [first, last], of one centre when given."""
    versions = read_versions(await store.stored_definitions(session, current.id), current)
    rows = await store.answered(session, current.id, first, last, centre_id=centre)
    return survey_results(current, versions, rows, first=first, last=last, centre=centre)


async def results(settings: Settings, survey_id: str, year: int, centre_id: str | None, as_json: bool) -> int:
    try:
        current, centre = known_survey(survey_id), known_centre(centre_id)
    except UnknownChoice as error:
        return fail(str(error))
    first, last = date(year, 1, 1), date(year, 12, 31)
    async with report_session(settings) as session:
        found = await compute(session, current, first, last, centre)
        city = await compute(session, current, first, last, None) if centre else None
    differences = drivers(found, city) if city is not None else ()
    if as_json:
        print(json.dumps(results_document(found, differences), ensure_ascii=False, indent=2))
    else:
        name = shipped_by_id()[centre].name_in("tr") if centre else None
        print(results_text(found, differences, name))
    return 0
