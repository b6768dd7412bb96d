"""Cells of the files we write stay what was typed. A comment beginning `=HYPERLINK(...)` would
otherwise run as a formula in a manager's spreadsheet (CSV / formula injection, OWASP): in a
workbook every text cell is stored as a string, and in a CSV a text beginning like a formula
gets a leading single quote. Numbers stay numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook

# What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A CSV value: text that could start a formula is quoted; numbers (also "-1.5") are kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for csv.DictWriter with each of its values made safe by csv_cell."""
    return {name: csv_cell(value) for name, value in row.items()}


def text_only(book: Workbook) -> Workbook:
    """Store every cell openpyxl took for a formula (a string beginning "=") as the string it
    was given: nothing we write is meant to be a formula. Call before saving."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return book
