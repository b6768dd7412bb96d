"""`kentbot export responses`: the raw responses of a survey as CSV, XLSX or SPSS (.sav),
with a codebook (a sheet of the workbook, or a CSV file next to the CSV or .sav file).

The files are those of reports.response_export, which the panel's downloads serve too. Every
export is audited. Files are the owner's alone (0600). An anonymous survey's export of fewer
than 5 responses is refused: a row each would be as good as a name.
"""

from __future__ import annotations

import getpass
from datetime import date, datetime, timezone
from pathlib import Path

from bot.commands.reports import fail, report_session
from bot.commands.results import UnknownChoice, known_centre, known_survey
from bot.config import Settings
from bot.progress import progress_bar
from reports.response_export import TooFew, export_files, read_table, record
from reports.stats import MIN_CELL_N
from storage.private_files import write_private


async def export_responses(
    settings: Settings, survey_id: str, first: date, last: date, fmt: str, centre_id: str | None, out: str
) -> int:
    try:
        current, centre = known_survey(survey_id), known_centre(centre_id)
    except UnknownChoice as error:
        return fail(str(error))
    if first > last:
        return fail(f"the period starts ({first}) after it ends ({last})")
    path = Path(out)
    with progress_bar(f"exporting {survey_id}", total=3) as bar:
        async with report_session(settings) as session:
            try:
                with bar.step("reading the responses"):
                    table = await read_table(session, current, first, last, centre)
            except TooFew:
                return fail(
                    f"refused: the anonymous survey {survey_id!r} has fewer than {MIN_CELL_N} responses in this "
                    "range, and fewer are never exported; choose a longer range"
                )
            with bar.step("arranging the files"):
                files = [(path.with_name(name), content) for name, content in export_files(table, fmt, path.name)]
            # Audited in the transaction that is committed only once the files are written.
            await record(
                session,
                at=datetime.now(timezone.utc),
                actor=f"cli:{getpass.getuser()}",
                table=table,
                first=first,
                last=last,
                centre_id=centre,
                fmt=fmt,
                files=[str(file) for file, _ in files],
            )
            with bar.step(f"writing {path.name}"):
                for file, content in files:
                    write_private(file, content)
    print(f"written {' and '.join(str(file) for file, _ in files)} ({len(table.rows)} responses)")
    return 0
