"""Every text exists in Turkish, English and Arabic with the same placeholders."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, catalogue, normalise_language, placeholders, t


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "tr"])
def test_catalogues_match_turkish(lang: str) -> None:
    turkish, other = catalogue("tr"), catalogue(lang)
    assert sorted(set(turkish) - set(other)) == []
    assert sorted(set(other) - set(turkish)) == []
    mismatched = [key for key in turkish if placeholders(turkish[key]) != placeholders(other[key])]
    assert mismatched == []


def test_arabic_texts_are_arabic() -> None:
    texts = catalogue("ar")
    assert any("\u0600" <= char <= "\u06ff" for char in texts["consent.ask.survey"])
    assert t("ar", "survey.progress", index=2, total=7) == "السؤال 2 من 7"


@pytest.mark.parametrize(
    ("code", "expected"), [("ar-SA", "ar"), ("en_GB", "en"), ("tr", "tr"), ("de", "tr"), (None, "tr"), ("", "tr")]
)
def test_telegram_language_codes_map_to_ours(code: str | None, expected: str) -> None:
    assert normalise_language(code) == expected
