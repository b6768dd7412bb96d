"""Tables the panel shows, sorted and paged on the server, so no script is needed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

PAGE_SIZE = 25
# Turkish alphabetical order: Ç after C, Ğ after G, I before İ, Ö after O, Ş after S, Ü after U.
_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
Row = TypeVar("Row")


@dataclass(frozen=True)
class Page:
    """One page of a sorted table, and what the links to the others need."""

    rows: tuple[Any, ...]
    number: int
    pages: int
    sort: str
    descending: bool


def page_of(rows: Sequence[Row], keys: Mapping[str, Callable[[Row], Any]], sort: str | None, order: str | None,
            number: int, default_sort: str, size: int = PAGE_SIZE) -> Page:
    """`rows` sorted by the column `sort` names (an unknown one falls back to the default) and
    cut to page `number` (1-based; past the end the last)."""
    column = sort if sort is not None and sort in keys else default_sort
    descending = order == "azalan"
    ordered = sorted(rows, key=keys[column], reverse=descending)
    pages = max(1, -(-len(ordered) // size))
    current = min(max(number, 1), pages)
    return Page(tuple(ordered[(current - 1) * size: current * size]), current, pages, column, descending)


def turkish_key(text: str) -> tuple[tuple[int, str], ...]:
    """A sort key putting names in Turkish alphabetical order; other characters after the letters."""
    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return tuple((_RANK.get(char, len(_ALPHABET)), char) for char in lowered)
