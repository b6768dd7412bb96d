"""One word for one thing: the glossary's terms in every catalogue, survey and centre name, and
every centre named exactly as the centres file names it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from language_texts import Text, all_texts, every_text, glossary

from bot.i18n import LANGUAGES
from storage.centres import Centre, load_centres

DOC = Path(__file__).parents[2] / "docs" / "language.md"


def _avoided(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for term in glossary()["terms"]:
        for pattern in term.get("avoid", {}).get(lang, []):
            found.append((f"{term['id']}: {pattern}", re.compile(pattern, re.IGNORECASE)))
    for pattern in glossary().get("spelling", {}).get(lang, []):
        found.append((f"spelling: {pattern}", re.compile(pattern)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_uses_a_variant_the_glossary_avoids(lang: str) -> None:
    rules = _avoided(lang)
    assert rules, f"the glossary lists no variants to avoid in {lang}"
    wrong = [(text.where, rule) for text in all_texts(lang) for rule, pattern in rules if pattern.search(text.text)]
    assert wrong == []


def _district_spellings(centre: Centre) -> dict[str, str]:
    """How each language writes the centre's district, read from its names."""
    spellings = {"tr": centre.district, "en": centre.district}
    if " في " in centre.name_ar:
        spellings["ar"] = centre.name_ar.rpartition(" في ")[2]
    return spellings


def test_every_centre_has_arabic_and_each_district_one_arabic_spelling() -> None:
    centres = load_centres()
    assert all(re.search("[\u0600-\u06ff]", c.name_ar) for c in centres)
    arabic: dict[str, set[str]] = {}
    for centre in centres:
        if "ar" in _district_spellings(centre):
            arabic.setdefault(centre.district, set()).add(_district_spellings(centre)["ar"])
    assert {district: spellings for district, spellings in arabic.items() if len(spellings) > 1} == {}
    assert len(arabic) == len({c.district for c in centres if c.type != "alzheimer_centre"})


def _unofficial_mentions(text: Text, centres: list[Centre]) -> list[str]:
    """Each place a district is named outside the official name of a centre in it."""
    names = [centre.name_in(text.lang) for centre in centres]
    districts = {_district_spellings(c)[text.lang] for c in centres if text.lang in _district_spellings(c)}
    wrong = []
    for district in districts:
        for match in re.finditer(re.escape(district), text.text):
            covered = any(
                start <= match.start() and match.end() <= start + len(name)
                for name in names
                if district in name
                for start in (m.start() for m in re.finditer(re.escape(name), text.text))
            )
            if not covered:
                wrong.append(text.text[max(0, match.start() - 30) : match.end() + 30])
    return wrong


def test_centres_are_named_only_by_their_official_names() -> None:
    centres = load_centres()
    wrong = {text.where: found for text in every_text() if (found := _unofficial_mentions(text, centres))}
    assert wrong == {}


def test_the_language_guide_lists_every_glossary_term() -> None:
    guide = DOC.read_text(encoding="utf-8")
    missing = [
        f"{term['id']} {lang}: {term[lang]}"
        for term in glossary()["terms"]
        for lang in LANGUAGES
        if term[lang] not in guide
    ]
    assert missing == []
