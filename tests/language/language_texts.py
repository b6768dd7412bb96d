"""Every text a person reads, by language: the message catalogues, the shipped surveys (with
their built-in scales and yes/no buttons) and the centre names; and the glossary they follow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from bot.i18n import LANGUAGES, LOCALES, catalogue
from storage.centres import load_centres
from surveys.definition import SurveyDefinition, load_shipped
from surveys.labels import YES_NO, Labels
from web.texts import words

# Catalogue keys whose text is a button, a menu entry or a name, not a sentence to the person.
LABEL_KEY = re.compile(
    r"(^|\.)button\.|^(staff\.)?command\.|^reports\.command\.|^campaign\.invite\.(open|stop)$"
    r"|^events\.(type|audience|status)\.|^reports\.period\.|^forget\.item\.|^staff\.role\.|^entries\.milestone\.code\."
)

# Isolates: LRI, RLI, FSI … PDI.
ISOLATE_OPEN = "\u2066\u2067\u2068"
ISOLATE_CLOSE = "\u2069"


@dataclass(frozen=True)
class Text:
    where: str
    lang: str
    text: str
    label: bool


@cache
def glossary() -> dict[str, Any]:
    return yaml.safe_load((LOCALES / "glossary.yaml").read_text(encoding="utf-8"))


def catalogue_texts(lang: str) -> list[Text]:
    return [
        Text(f"catalogue {lang}: {key}", lang, text, bool(LABEL_KEY.search(key)))
        for key, text in catalogue(lang).items()
    ]


def survey_texts(lang: str) -> list[Text]:
    found = []
    for survey in load_shipped().values():
        for where, labels, is_label in _survey_labels(survey):
            text = getattr(labels, lang)
            if text is not None:
                found.append(Text(f"survey {survey.id} {lang}: {where}", lang, text, is_label))
    for value, labels in YES_NO:
        found.append(Text(f"survey yes/no {lang}: {value}", lang, getattr(labels, lang), True))
    return found


def _survey_labels(survey: SurveyDefinition) -> Iterator[tuple[str, Labels, bool]]:
    for name in ("title", "intro", "closing"):
        yield name, getattr(survey, name), False
    for question in survey.questions:
        yield f"question '{question.id}' label", question.label, False
        if question.hint is not None:
            yield f"question '{question.id}' hint", question.hint, False
        for number, step in enumerate(getattr(question, "scale", None) or (), start=1):
            yield f"question '{question.id}' scale {number}", step, True
        for option in getattr(question, "options", ()):
            yield f"question '{question.id}' option '{option.value}'", option.label, True


def centre_texts(lang: str) -> list[Text]:
    return [Text(f"centre {c.id} {lang}", lang, c.name_in(lang), True) for c in load_centres()]


# The public pages' words that are sentences; the rest are headings, labels and names.
PAGE_SENTENCES = {"site_intro", "footer", "error_not_found", "error_bad_year", "error_no_year", "error_method", "trend_desc", "no_centres",
                  "risk_list"}


def page_texts(lang: str) -> list[Text]:
    found = []
    for key, value in words(lang).items():
        for number, text in enumerate(value if isinstance(value, list) else [value]):
            found.append(Text(f"public pages {lang}: {key}" + (f" {number}" if isinstance(value, list) else ""), lang,
                              str(text), key not in PAGE_SENTENCES))
    return found


def all_texts(lang: str) -> list[Text]:
    return catalogue_texts(lang) + survey_texts(lang) + centre_texts(lang) + page_texts(lang)


def every_text() -> list[Text]:
    return [text for lang in LANGUAGES for text in all_texts(lang)]


def outside_isolates(text: str) -> str:
    """The text with every isolated run (and its marks) replaced by one space."""
    kept, depth = [], 0
    for char in text:
        if char in ISOLATE_OPEN:
            depth += 1
            if depth == 1:
                kept.append(" ")
        elif char == ISOLATE_CLOSE and depth:
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)
