"""Arabic texts hold no Latin words except the few abbreviations people know only in Latin
letters and the /commands they type."""

from __future__ import annotations

import re

from language_texts import all_texts, glossary

COMMAND = re.compile(r"(?<![\w/])/[a-z0-9_]+")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def test_arabic_has_no_latin_words_outside_the_allowed_list() -> None:
    allowed = glossary()["latin_in_arabic"]
    exempt = {f"catalogue ar: {key}" for key in allowed["keys"]}
    found = {
        text.where: words
        for text in all_texts("ar")
        if text.where not in exempt
        if (words := set(LATIN_WORD.findall(PLACEHOLDER.sub(" ", COMMAND.sub(" ", text.text))))) - set(allowed["words"])
    }
    assert found == {}
