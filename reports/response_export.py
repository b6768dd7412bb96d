"""A survey's raw responses as the files `kentbot export responses` writes and the panel's
downloads page serves: one reading of the table (an anonymous survey's export of fewer than 5
responses refused, since a row each would be as good as a name), one rendering per format with
its codebook (a sheet of the workbook, or a CSV beside a CSV or SPSS file), one audit entry.

The command line and the panel both call these, so a file is the same whoever asks for it.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from reports.cell_text import csv_cell, text_only
from reports.export_table import CODEBOOK_FIELDS, ExportTable, codebook_rows, export_table, value_labels, variable_label
from reports.results import read_versions
from reports.stats import MIN_CELL_N
from storage.repositories import audit
from storage.repositories import responses as store
from surveys.definition import SurveyDefinition

FORMATS = ("csv", "xlsx", "sav")
ACTION = "export.responses"
DATA_SHEET, CODEBOOK_SHEET = "Yanıtlar", "Kod kitabı"


class TooFew(Exception):
    """An anonymous survey has fewer than MIN_CELL_N responses in the range: nothing is exported."""


async def read_table(
    session: AsyncSession, current: SurveyDefinition, first: date, last: date, centre_id: str | None
) -> ExportTable:
    """The responses answered on the days [first, last] (of one centre when given) under the
    current version's questions; raises TooFew for too small an anonymous export."""
    anonymous = current.anonymity == "anonymous"
    versions = read_versions(await store.stored_definitions(session, current.id), current)
    rows = await store.answered(session, current.id, first, last, centre_id=centre_id, anonymous=anonymous)
    if anonymous and len(rows) < MIN_CELL_N:
        raise TooFew(current.id)
    return export_table(current, versions, rows)


def codebook_name(name: str) -> str:
    """What the codebook of a CSV or .sav file is called: beside it, named after it."""
    return PurePath(name).with_name(f"{PurePath(name).stem}-codebook.csv").name


def export_files(table: ExportTable, fmt: str, name: str) -> list[tuple[str, bytes]]:
    """The files of an export named `name` (the data file's name), in the order written: the
    workbook alone (its codebook is a sheet), or the data file and its codebook."""
    if fmt == "xlsx":
        return [(name, xlsx_bytes(table))]
    data = csv_text(table).encode() if fmt == "csv" else sav_bytes(table)
    return [(name, data), (codebook_name(name), codebook_csv(table).encode())]


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    table: ExportTable,
    first: date,
    last: date,
    centre_id: str | None,
    fmt: str,
    files: list[str],
) -> None:
    """The audit entry of an export, in the caller's transaction (committed once the files are made)."""
    await audit.append(
        session,
        at=at,
        actor=actor,
        action=ACTION,
        object_type="survey",
        object_id=table.survey_id,
        after={
            "from": first.isoformat(),
            "to": last.isoformat(),
            "centre": centre_id,
            "format": fmt,
            "rows": len(table.rows),
            "files": files,
        },
    )


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


def sav_bytes(table: ExportTable) -> bytes:
    """The SPSS file, written by pyreadstat (which writes only to a path) into a folder of
    the owner's alone that is removed at once."""
    with tempfile.TemporaryDirectory(prefix="kentbot-sav-") as folder:
        path = Path(folder) / "responses.sav"
        _write_sav(table, path)
        return path.read_bytes()


def _write_sav(table: ExportTable, path: Path) -> None:
    """Variable and value labels (Turkish / English), measures, "does not apply" declared missing."""
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
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[variable_label(v) for v in table.variables],
        variable_value_labels={v.name: value_labels(v) for v in table.variables if v.codes},  # type: ignore[misc]  # int keys; pyreadstat annotates int | float
        missing_ranges={v.name: list(v.missing) for v in table.variables if v.missing},
        variable_measure={v.name: v.measure for v in table.variables},
    )
