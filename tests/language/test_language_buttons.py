"""The same action has the same words on every button, in each language."""

from __future__ import annotations

import pytest
from language_texts import glossary

from bot.i18n import LANGUAGES, catalogue


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_wording_per_action(lang: str) -> None:
    texts = catalogue(lang)
    differing = {
        action: {key: texts[key] for key in keys}
        for action, keys in glossary()["buttons"].items()
        if len({texts[key] for key in keys}) > 1
    }
    assert differing == {}
