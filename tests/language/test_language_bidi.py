"""Arabic reads right to left, numbers left to right: every run that would be reordered, a
phone number, a date, a range, a number with spaces or a text filled in at run time, is
isolated, and the arrows on buttons point the way the language reads."""

from __future__ import annotations

import re

import pytest
from language_texts import ISOLATE_CLOSE, ISOLATE_OPEN, all_texts, glossary, outside_isolates

from bot.i18n import LANGUAGES, catalogue, placeholders

# Placeholders filled with a left-to-right run (a date, a time, a bound that may be negative)
# or with text someone typed, which may be Turkish.
ISOLATED_PLACEHOLDERS = {
    "when", "date", "start", "end", "low", "high", "min", "max",
    "title", "place", "name", "reason", "answer", "lines", "codes",
}

REORDERED = {
    "digits with spaces (a phone number)": re.compile(r"\d[\d.:,/]*[ \u00a0]+\d"),
    "a date": re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}"),
    "a range": re.compile(r"(?:\d|\})\s*[–—-]\s*(?:\d|\{)"),
}


def test_isolates_are_balanced() -> None:
    unbalanced = []
    for lang in LANGUAGES:
        for text in all_texts(lang):
            depth = 0
            for char in text.text:
                depth += char in ISOLATE_OPEN
                depth -= char == ISOLATE_CLOSE
                if depth < 0:
                    break
            if depth != 0:
                unbalanced.append(text.where)
    assert unbalanced == []


def test_arabic_numbers_dates_and_ranges_are_isolated() -> None:
    exposed = [
        (text.where, kind, match.group(0))
        for text in all_texts("ar")
        for kind, pattern in REORDERED.items()
        for match in pattern.finditer(outside_isolates(text.text))
    ]
    assert exposed == []


def test_arabic_run_time_values_are_isolated_where_they_are_filled_in() -> None:
    exposed = [
        (key, name)
        for key, template in catalogue("ar").items()
        for name in placeholders(outside_isolates(template)) & ISOLATED_PLACEHOLDERS
    ]
    assert exposed == []


def test_every_arabic_line_starts_right_to_left() -> None:
    """A line takes its direction from its first letter, and isolated runs do not count: a line
    starting with a command, a Latin word or only an isolated title would be laid out left to
    right."""
    exempt = {f"catalogue ar: {key}" for key in glossary()["latin_in_arabic"]["keys"]}
    wrong = []
    for text in all_texts("ar"):
        if text.where in exempt:
            continue
        for line in re.sub(r"\{[a-z_]+\}", " ", outside_isolates(text.text)).split("\n"):
            first = re.search(r"[A-Za-z\u00c0-\u024f\u0600-\u06ff]", line)
            if line.strip() and (first is None or not "\u0600" <= first.group(0) <= "\u06ff"):
                wrong.append((text.where, line))
    assert wrong == []


def test_the_isolated_placeholders_are_the_ones_the_catalogues_use() -> None:
    """A renamed placeholder must not slip out of the rule above unnoticed."""
    used = {name for template in catalogue("ar").values() for name in placeholders(template)}
    assert used >= ISOLATED_PLACEHOLDERS


@pytest.mark.parametrize(
    ("lang", "back", "forward"), [("tr", "◀", "▶"), ("en", "◀", "▶"), ("ar", "▶", "◀")]
)
def test_arrows_point_the_way_the_language_reads(lang: str, back: str, forward: str) -> None:
    texts = catalogue(lang)
    arrows = glossary()["arrows"]
    wrong = [key for key in arrows["backward"] if not (texts[key].startswith(back + " ") and forward not in texts[key])]
    wrong += [key for key in arrows["forward"] if not (texts[key].endswith(" " + forward) and back not in texts[key])]
    assert wrong == []
