"""The disability survey in plain words: many people answering have an intellectual disability
or answer with someone's help, so no question uses words such as "erişilebilirlik" or "tutum"
(nor their English and Arabic equivalents), and every question is short."""

from __future__ import annotations

import pytest

from surveys.definition import load_shipped
from surveys.labels import LANGUAGES, label

DISABILITY = load_shipped()["disability_centre"]
HARD_WORDS = {
    "tr": ("erişilebilir", "tutum"),
    "en": ("access", "attitude"),
    "ar": ("سهولة الوصول", "إمكانية الوصول", "موقف"),
}
SHORT = 90  # characters: one line on most phones, read aloud in one breath


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_question_uses_a_hard_word(lang: str) -> None:
    texts = [label(question.label, lang) for question in DISABILITY.questions]
    texts += [label(option.label, lang) for question in DISABILITY.questions for option in getattr(question, "options", ())]
    found = [(text, word) for text in texts for word in HARD_WORDS[lang] if word in text.casefold()]
    assert found == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_question_is_short(lang: str) -> None:
    long = [label(question.label, lang) for question in DISABILITY.questions if len(label(question.label, lang)) > SHORT]
    assert long == []
