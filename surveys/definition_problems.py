"""Problems found in a survey definition, worded for the person editing the YAML.

Each problem names the file, the question and the field, like pyxform naming
the spreadsheet row, so a fix never starts with a hunt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from surveys.slugs import INDICATOR_CODE, LINK_CODE, OPTION_VALUE, QUESTION_ID, SURVEY_ID

QUESTION_TYPES = ("likert5", "single", "multiple", "yes_no", "number", "text", "note")

_PATTERN_HELP = {
    SURVEY_ID.pattern: "a lowercase code such as women_support (letters, digits, _ or -)",
    QUESTION_ID.pattern: "a lowercase code such as q1 or overall (letters, digits, _)",
    OPTION_VALUE.pattern: "a lowercase code such as legal or bornova-engelli",
    INDICATOR_CODE.pattern: "an indicator code such as 4.2.5",
    LINK_CODE.pattern: "2 to 20 lowercase letters or digits, such as degerlendirme",
}


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (question, field) and what is wrong."""

    question: str | None
    field: str | None
    message: str

    def render(self, source: str) -> str:
        parts = [source]
        if self.question is not None:
            parts.append(f"question {self.question}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ": ".join([*parts, self.message])


def question_name(raw_questions: object, index: int) -> str:
    """How to name the question at `index`: its id if it has one, else its position."""
    if isinstance(raw_questions, list) and index < len(raw_questions):
        entry = raw_questions[index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return f"'{entry['id']}'"
    return f"#{index + 1}"


def problem_from_pydantic(error: Mapping[str, Any], raw: Mapping[str, object]) -> Problem:
    """Turn one pydantic error into a Problem naming question and field."""
    loc = list(error["loc"])
    question = None
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        question = question_name(raw.get("questions"), loc[1])
        loc = loc[2:]
        if loc and loc[0] in QUESTION_TYPES:
            loc = loc[1:]
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "field":
        return Problem(question, ctx["field"], ctx["message"])
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return Problem(question, "type", _type_message(ctx.get("tag")))
    if kind == "extra_forbidden":
        if len(loc) <= 1:
            return Problem(question, str(loc[0]) if loc else None, "is not a known field")
        return Problem(question, str(loc[0]), f"{_where(loc[1:-1])}'{loc[-1]}' is not allowed here")
    field = str(loc[0]) if loc else None
    return Problem(question, field, _where(loc[1:]) + _message(kind, ctx, error))


def _type_message(tag: object) -> str:
    allowed = ", ".join(QUESTION_TYPES)
    if tag is None:
        return f"is required (one of: {allowed})"
    return f"unknown question type '{tag}' (use one of: {allowed})"


def _where(rest: Sequence[object]) -> str:
    """The position inside a field, e.g. "item 2 'value': "."""
    if not rest:
        return ""
    words = [f"item {part + 1}" if isinstance(part, int) else f"'{part}'" for part in rest]
    return " ".join(words) + ": "


def _message(kind: str, ctx: Mapping[str, Any], error: Mapping[str, Any]) -> str:
    if kind == "missing":
        return "is required"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_type":
        return "must be text (put it in quotes if YAML reads it as a number or yes/no)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "string_pattern_mismatch":
        help_text = _PATTERN_HELP.get(ctx.get("pattern", ""), f"the form {ctx.get('pattern')}")
        return f"'{error.get('input')}' must be {help_text}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected')}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} items"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of fields"
    message = str(error["msg"])
    return message[:1].lower() + message[1:]
