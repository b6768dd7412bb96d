"""The public pages' words (web/locales/*.yaml) and figures written the way each language reads them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reports import numbers

LANGUAGES = ("tr", "en", "ar")
DASH = "—"
_FOLDER = Path(__file__).with_name("locales")


@cache
def words(lang: str) -> dict[str, Any]:
    """Every word of the pages in `lang`."""
    loaded: dict[str, Any] = yaml.safe_load((_FOLDER / f"{lang}.yaml").read_text(encoding="utf-8"))
    return loaded


def amount(value: float | None, unit: str, lang: str) -> str:
    """A planned or actual value in its unit; a dash when unknown."""
    if value is None:
        return DASH
    return numbers.percent(value, lang) if unit == "percent" else numbers.number(value, lang)


def share(percent: float | None, lang: str) -> str:
    """An achievement already in percent; a dash when there is none."""
    return DASH if percent is None else numbers.percent(percent, lang)
