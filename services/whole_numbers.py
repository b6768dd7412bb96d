"""Whole numbers typed into a form or a query string. `str.isdigit` takes `²` or `٣`, which
`int` then refuses (or reads), and an unbounded number overflows the database: only ASCII
digits, and only within the bounds the caller names."""

from __future__ import annotations


def whole_number(text: str | None, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high`, or None when it is anything else."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None
