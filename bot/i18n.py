"""Message catalogues for what citizens and staff read: Turkish first, English and Arabic.

Each language is a folder of YAML files (one per feature) of key -> text with `{name}`
placeholders; a missing key in a language falls back to Turkish so nobody sees a raw key.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("tr", "en", "ar")
DEFAULT = "tr"
LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        for key, value in data.items():
            if key in texts:
                raise ValueError(f"{path}: key {key!r} is defined twice")
            texts[str(key)] = str(value).rstrip("\n")
    return texts


def normalise_language(code: str | None) -> str:
    """Telegram's language_code (e.g. 'ar-SA', 'en_GB') to one of ours, or None-safe default."""
    if not code:
        return DEFAULT
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def t(lang: str, key: str, **params: Any) -> str:
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT)
    template = texts.get(key) or catalogue(DEFAULT)[key]
    return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
