"""`kentbot export responses`: the raw responses of a survey as CSV, XLSX or SPSS (.sav),
with a codebook (a sheet of the workbook, or a CSV file next to the CSV or .sav file).

Every export is audited. Files are the owner's alone (0600). An anonymous survey's export
of fewer than 5 responses is refused: a row each would be as good as a name.
"""

from __future__ import annotations

import csv
import getpass
import io
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.commands.reports import fail, report_session
from bot.commands.results import UnknownChoice, known_centre, known_survey
from bot.config import Settings
from bot.progress import progress_bar
from reports.cell_text import csv_cell, text_only
from reports.export_table import CODEBOOK_FIELDS, ExportTable, codebook_rows, export_table, value_labels, variable_label
from reports.results import read_versions
from reports.stats import MIN_CELL_N
from storage.private_files import private_file, write_private
from storage.repositories import audit
from storage.repositories import responses as store

DATA_SHEET, CODEBOOK_SHEET = "Yanıtlar", "Kod kitabı"


def codebook_path(out: Path) -> Path:
    """Where the codebook of a CSV or .sav export goes: beside it, named after it."""
    return out.with_name(f"{out.stem}-codebook.csv")


async def export_responses(
    settings: Settings, survey_id: str, first: date, last: date, fmt: str, centre_id: str | None, out: str
) -> int:
    try:
        current, centre = known_survey(survey_id), known_centre(centre_id)
    except UnknownChoice as error:
        return fail(str(error))
    if first > last:
        return fail(f"the period starts ({first}) after it ends ({last})")
    anonymous = current.anonymity == "anonymous"
    path = Path(out)
    with progress_bar(f"exporting {survey_id}", total=3) as bar:
        async with report_session(settings) as session:
            with bar.step("reading the responses"):
                versions = read_versions(await store.stored_definitions(session, current.id), current)
                rows = await store.answered(session, current.id, first, last, centre_id=centre, anonymous=anonymous)
            if anonymous and len(rows) < MIN_CELL_N:
                return fail(
                    f"refused: the anonymous survey {survey_id!r} has fewer than {MIN_CELL_N} responses in this "
                    "range, and fewer are never exported; choose a longer range"
                )
            with bar.step("arranging the table"):
                table = export_table(current, versions, rows)
            files = [path] if fmt == "xlsx" else [path, codebook_path(path)]
            # Audited in the transaction that is committed only once the files are written.
            await audit.append(
                session,
                at=datetime.now(timezone.utc),
                actor=f"cli:{getpass.getuser()}",
                action="export.responses",
                object_type="survey",
                object_id=survey_id,
                after={"from": first.isoformat(), "to": last.isoformat(), "centre": centre, "format": fmt,
                       "rows": len(table.rows), "files": [str(file) for file in files]},
            )
            with bar.step(f"writing {path.name}"):
                _write(table, fmt, path)
    print(f"written {' and '.join(str(file) for file in files)} ({len(table.rows)} responses)")
    return 0


def _write(table: ExportTable, fmt: str, path: Path) -> None:
    if fmt == "xlsx":
        write_private(path, xlsx_bytes(table))
        return
    if fmt == "csv":
        write_private(path, csv_text(table))
    else:
        write_sav(table, path)
    write_private(codebook_path(path), codebook_csv(table))


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_text(table: ExportTable) -> str:
    return _csv([v.name for v in table.variables], [list(row) for row in table.rows])


def codebook_csv(table: ExportTable) -> str:
    return _csv(list(CODEBOOK_FIELDS), [[row[name] for name in CODEBOOK_FIELDS] for row in codebook_rows(table)])


def xlsx_bytes(table: ExportTable) -> bytes:
    book = Workbook()
    data = book.worksheets[0]  # a new workbook's one sheet
    data.title = DATA_SHEET
    data.append([v.name for v in table.variables])
    for row in table.rows:
        data.append(list(row))
    data.freeze_panes = "A2"
    codebook = book.create_sheet(CODEBOOK_SHEET)
    codebook.append(list(CODEBOOK_FIELDS))
    for entry in codebook_rows(table):
        codebook.append([entry[name] for name in CODEBOOK_FIELDS])
    buffer = io.BytesIO()
    text_only(book).save(buffer)  # typed text stays text, never a formula
    return buffer.getvalue()


def write_sav(table: ExportTable, path: Path) -> Path:
    """SPSS file through pyreadstat: variable and value labels (Turkish / English), measures,
    "does not apply" declared missing. The file is made 0600 before pyreadstat writes it."""
    import pandas as pd
    import pyreadstat

    names = [v.name for v in table.variables]
    frame = pd.DataFrame([list(row) for row in table.rows], columns=names)
    for variable in table.variables:
        if variable.kind == "day":
            continue  # date objects, which pyreadstat writes as SPSS dates
        if variable.codes or variable.measure == "scale":
            frame[variable.name] = pd.to_numeric(frame[variable.name]).astype("float64")
        else:
            frame[variable.name] = frame[variable.name].astype(object).where(frame[variable.name].notna(), "")
    private_file(path)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[variable_label(v) for v in table.variables],
        variable_value_labels={v.name: value_labels(v) for v in table.variables if v.codes},  # type: ignore[misc]  # int keys; pyreadstat annotates int | float
        missing_ranges={v.name: list(v.missing) for v in table.variables if v.missing},
        variable_measure={v.name: v.measure for v in table.variables},
    )
    return path
