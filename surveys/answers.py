"""Turning what a person typed or tapped into an answer, or a reason it was refused.

Pure functions shared by the engine's inputs and by prefilled answers, so a
value from a QR deep link passes exactly the checks a typed one would.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from surveys.definition import (
    AnsweredQuestion,
    Likert5Question,
    MultipleQuestion,
    NumberQuestion,
    SingleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from surveys.labels import NOT_APPLICABLE_VALUE
from surveys.redaction import strip_invisible

Answer = int | float | str | list[str]

LIKERT_VALUES = ("1", "2", "3", "4", "5")
YES_NO_VALUES = ("yes", "no")
MAX_DIGITS = 15  # beyond this a float loses digits and int() may refuse very long input
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_SIGNS = str.maketrans({"\u2212": "-", "\u066b": "."})  # minus sign, Arabic decimal separator


@dataclass(frozen=True)
class Invalid:
    """Why a value was refused: a reason code and what a message needs to explain it."""

    reason: str
    params: dict[str, object] = field(default_factory=dict)


def parse_number(question: NumberQuestion, text: object) -> int | float | Invalid:
    """Accept "3", " 3 ", "3,5" (Turkish decimal comma) and any Unicode digits such as "٣"."""
    if not isinstance(text, str):
        return Invalid("wrong_input", {"expected": "number"})
    cleaned = "".join(_ascii_digit(char) for char in text.strip()).translate(_SIGNS)
    if not cleaned:
        return Invalid("empty")
    if _NUMBER.fullmatch(cleaned) is None:
        return Invalid("not_a_number")
    if sum(char.isdigit() for char in cleaned) > MAX_DIGITS:
        return Invalid("out_of_range", _bounds(question))
    fractional = "," in cleaned or "." in cleaned
    if question.integer and fractional:
        # "1.000" may mean a thousand in Turkish; asking again beats guessing.
        return Invalid("not_integer")
    value: int | float = int(cleaned) if question.integer else float(cleaned.replace(",", "."))
    return _in_range(question, value)


def _ascii_digit(char: str) -> str:
    digit = unicodedata.decimal(char, None)
    return str(digit) if digit is not None else char


def _bounds(question: NumberQuestion) -> dict[str, object]:
    """The limits as a person would write them: 10, not 10.0; None when open."""
    return {
        name: int(bound) if bound is not None and bound.is_integer() else bound
        for name, bound in (("min", question.min), ("max", question.max))
    }


def _in_range(question: NumberQuestion, value: int | float) -> int | float | Invalid:
    if (question.min is not None and value < question.min) or (
        question.max is not None and value > question.max
    ):
        return Invalid("out_of_range", _bounds(question))
    return value


def parse_text(question: TextQuestion, text: object) -> str | Invalid:
    """Stripped text without invisible characters (NUL, lone surrogates, zero-width and bidi
    controls: nobody means them, and some cannot be stored); too long is refused rather than
    cut, so nothing is lost unseen."""
    if not isinstance(text, str):
        return Invalid("wrong_input", {"expected": "text"})
    cleaned = strip_invisible(text).strip()
    if not cleaned:
        return Invalid("empty")
    if len(cleaned) > question.max_length:
        return Invalid("too_long", {"max_length": question.max_length, "length": len(cleaned)})
    return cleaned


def parse_choice(
    question: Likert5Question | SingleQuestion | YesNoQuestion, value: object
) -> int | str | Invalid:
    """The answer a button stands for: likert "1".."5" becomes 1..5; "na" where allowed stays "na"."""
    if isinstance(question, Likert5Question) and question.not_applicable and value == NOT_APPLICABLE_VALUE:
        return NOT_APPLICABLE_VALUE
    allowed: tuple[str, ...]
    if isinstance(question, Likert5Question):
        allowed = LIKERT_VALUES
    elif isinstance(question, YesNoQuestion):
        allowed = YES_NO_VALUES
    else:
        allowed = option_values(question)
    if not isinstance(value, str) or value not in allowed:
        return Invalid("not_an_option", {"value": shown(value)})
    return int(value) if isinstance(question, Likert5Question) else value


def check_choices(question: MultipleQuestion, values: Sequence[object]) -> list[str] | Invalid:
    """The chosen options in the definition's order, if their number is allowed."""
    allowed = option_values(question)
    for value in values:
        if value not in allowed:
            return Invalid("not_an_option", {"value": shown(value)})
    chosen = [value for value in allowed if value in values]
    if len(chosen) < question.min_choices:
        return Invalid("too_few_choices", {"min_choices": question.min_choices})
    if len(chosen) > question.choice_limit:
        return Invalid("too_many_choices", {"max_choices": question.choice_limit})
    return chosen


def parse_prefill(question: AnsweredQuestion, value: object) -> Answer | Invalid:
    """Check an answer given in advance (e.g. the centre from a QR code)."""
    if isinstance(question, NumberQuestion):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return Invalid("wrong_input", {"expected": "number"})
        return parse_number(question, value if isinstance(value, str) else repr(value))
    if isinstance(question, TextQuestion):
        return parse_text(question, value)
    if isinstance(question, MultipleQuestion):
        if not isinstance(value, (list, tuple)):
            return Invalid("wrong_input", {"expected": "choices"})
        return check_choices(question, value)
    if isinstance(question, Likert5Question) and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return parse_choice(question, value)


def option_values(question: SingleQuestion | MultipleQuestion) -> tuple[str, ...]:
    return tuple(option.value for option in question.options)


def shown(value: object) -> str:
    """The refused value, short enough to quote back in a message."""
    return str(value)[:40]
