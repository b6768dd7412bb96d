"""The public pages have every word in each of their three languages, lists of the same length."""

from __future__ import annotations

from web.texts import LANGUAGES, words


def test_every_language_has_every_word() -> None:
    turkish = words("tr")
    for lang in LANGUAGES:
        assert set(words(lang)) == set(turkish), lang
        for key, value in turkish.items():
            if isinstance(value, list):
                assert len(words(lang)[key]) == len(value), (lang, key)
    assert len(turkish["months"]) == 12
