"""The panel's words (web/panel/locales/*.yaml) over the public pages' (indicator cards reuse them)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from web.texts import words

_FOLDER = Path(__file__).with_name("locales")


@cache
def panel_words(lang: str) -> dict[str, Any]:
    """Every word of the panel in `lang`: the public pages' words, then the panel's own."""
    own: dict[str, Any] = yaml.safe_load((_FOLDER / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {**words(lang), **own}
