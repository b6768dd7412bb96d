"""`kentbot results`: every question's results of a survey for a year or a range of days,
city-wide or for one centre (then with the items where the centre differs from the city), and
on request the chart of item scores per centre."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from bot.commands.reports import fail, report_session
from bot.config import Settings
from bot.progress import progress_bar
from reports.drivers import CentreComparison, drivers
from reports.render_results import results_document, results_text
from reports.weekly import item_chart, survey_comparison, survey_results_for
from storage.centres import shipped_by_id
from storage.private_files import write_private
from surveys.definition import SurveyDefinition, load_shipped


class UnknownChoice(Exception):
    """A survey or centre id the operator mistyped, or a period given wrongly; the message
    names the known ones or what is wanted."""


def known_survey(survey_id: str) -> SurveyDefinition:
    surveys = load_shipped()
    if survey_id not in surveys:
        raise UnknownChoice(f"unknown survey {survey_id!r}; known: {', '.join(sorted(surveys))}")
    return surveys[survey_id]


def known_centre(centre_id: str | None) -> str | None:
    if centre_id is not None and centre_id not in (centres := shipped_by_id()):
        raise UnknownChoice(f"unknown centre {centre_id!r}; known: {', '.join(sorted(centres))} (see `kentbot centre list`)")
    return centre_id


def results_period(year: int | None, first: date | None, last: date | None) -> tuple[date, date]:
    """The days asked for: a whole year, or a range given by both ends, never both."""
    if (year is None) == (first is None and last is None) or (first is None) != (last is None):
        raise UnknownChoice("give either --year YYYY or both --from YYYY-MM-DD and --to YYYY-MM-DD")
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    assert first is not None and last is not None
    if first > last:
        raise UnknownChoice(f"the period starts ({first}) after it ends ({last})")
    return first, last


async def results(
    settings: Settings, survey_id: str, period: tuple[int | None, date | None, date | None], centre_id: str | None,
    as_json: bool, chart: str | None = None,
) -> int:
    try:
        current, centre = known_survey(survey_id), known_centre(centre_id)
        first, last = results_period(*period)
    except UnknownChoice as error:
        return fail(str(error))
    city = compared = None
    with progress_bar(f"results of {survey_id}", total=1 + bool(centre) + 2 * bool(chart)) as bar:
        async with report_session(settings) as session:
            with bar.step("reading the answers"):
                found = await survey_results_for(session, current, first, last, centre)
            if centre:
                with bar.step("reading the city's answers"):
                    city = await survey_results_for(session, current, first, last, None)
            if chart:
                with bar.step("comparing the centres"):
                    compared = await survey_comparison(session, current, first, last)
        if chart and compared is not None:
            if centre is not None:
                compared = CentreComparison(compared.city, tuple(c for c in compared.centres if c.centre == centre),
                                            {centre: compared.drivers.get(centre, ())})
            with bar.step(f"drawing {Path(chart).name}"):
                write_private(Path(chart), item_chart(compared))
    if chart:
        print(f"written {chart}", file=sys.stderr)
    differences = drivers(found, city) if city is not None else ()
    if as_json:
        print(json.dumps(results_document(found, differences), ensure_ascii=False, indent=2))
    else:
        name = shipped_by_id()[centre].name_in("tr") if centre else None
        print(results_text(found, differences, name))
    return 0
