"""Per-language texts of a survey, and the built-in texts for standard answers.

Turkish is the language every text must have; English and Arabic are optional
so a draft can be validated before it is translated, and any missing text falls
back to Turkish so a citizen never sees an empty button.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["tr", "en", "ar"]
LANGUAGES: tuple[Language, ...] = ("tr", "en", "ar")

class Labels(BaseModel):
    """One text in each language; only tr, en and ar are accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    tr: str = Field(min_length=1, max_length=4000)
    en: str | None = Field(default=None, min_length=1, max_length=4000)
    ar: str | None = Field(default=None, min_length=1, max_length=4000)


def label(text_map: Labels, lang: str) -> str:
    """The text in `lang`, or the Turkish text when that language is missing or unknown."""
    text = getattr(text_map, lang) if lang in LANGUAGES else None
    return text or text_map.tr


def _labels(tr: str, en: str, ar: str) -> Labels:
    return Labels(tr=tr, en=en, ar=ar)


# A satisfaction scale in plain words, worst to best; values 1..5. The bottom anchor is "not
# at all satisfied" ("Hiç memnun değilim"): "Çok memnun değilim" reads as "not very satisfied",
# milder than "Memnun değilim", and would put the scale out of order. Arabic names the degree
# of satisfaction with a noun ("total dissatisfaction" … "great satisfaction"): an adjective
# (راضٍ / راضية) would have to be masculine or feminine, and most people answering are women.
LIKERT5_SCALE: tuple[Labels, ...] = (
    _labels("Hiç memnun değilim", "Very dissatisfied", "عدم رضا تام"),
    _labels("Memnun değilim", "Dissatisfied", "عدم رضا"),
    _labels("Ne memnunum ne değilim", "Neither satisfied nor dissatisfied", "لا رضا ولا عدم رضا"),
    _labels("Memnunum", "Satisfied", "رضا"),
    _labels("Çok memnunum", "Very satisfied", "رضا كبير"),
)

# Faces beside the scale points, worst to best, for a survey with `faces: true`: people with an
# intellectual disability, or answering with someone's help, can choose by the face when the
# words are hard. Only the button shows a face; the answer kept is still the number 1..5.
LIKERT5_FACES: tuple[str, ...] = ("😞", "🙁", "😐", "🙂", "😀")
# Starts an Arabic button right to left whatever a client makes of the face before the words.
RIGHT_TO_LEFT_MARK = "\u200f"


def with_face(face: str, text: str, lang: str) -> str:
    """A scale button's text with its face first, read first in either direction."""
    return f"{RIGHT_TO_LEFT_MARK if lang == 'ar' else ''}{face} {text}"


# The extra button of a question that allows "not applicable" (answer value "na"): said of the
# question, not of the person, so nobody has to explain why a part of the service was not theirs.
NOT_APPLICABLE = _labels("Bu soru bana uymuyor", "Does not apply", "لا ينطبق")
NOT_APPLICABLE_VALUE = "na"

YES_NO: tuple[tuple[str, Labels], ...] = (
    ("yes", _labels("Evet", "Yes", "نعم")),
    ("no", _labels("Hayır", "No", "لا")),
)
