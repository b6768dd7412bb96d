"""Checks that span several questions: ids, references, scoring, privacy rules.

They read the raw YAML data and tolerate malformed parts, so they run even when
some question failed its shape checks and one pass reports every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.definition_problems import Problem, question_name
from surveys.relevance import ExpressionError, compile_expression, literal_comparisons

_CHOICE_TYPES = ("single", "multiple")
# Who answers: the person served, that person with someone's help, or a relative or carer.
ROLE_VALUES = frozenset({"self", "self_helped", "carer"})
REQUIRED_ROLES = frozenset({"self", "carer"})

# Words that would reveal the topic of a sensitive survey in a chat list or
# notification on a phone someone else may read.
REVEALING_WORDS = (
    "şiddet", "istismar", "taciz", "tecavüz", "dayak",
    "violence", "abuse", "harassment", "assault", "rape",
    "عنف", "اعتداء", "تحرش", "إساءة",
)
# Deep-link codes are ASCII: the same topics, and who the survey is for, spelled without accents.
REVEALING_LINK_WORDS = (
    "siddet", "istismar", "taciz", "tecavuz", "dayak", "violence", "abuse", "harass", "assault", "rape",
    "kadin", "women", "woman", "female", "victim", "magdur",
)


def check_definition(raw: Mapping[str, object]) -> list[Problem]:
    """Every cross-question problem in a raw definition mapping."""
    questions = raw.get("questions")
    entries = [q if isinstance(q, dict) else {} for q in questions] if isinstance(questions, list) else []
    problems = _check_ids_and_relevance(questions, entries)
    by_id = _first_by_id(entries)
    problems += _check_score(raw, by_id)
    problems += _check_special_question(raw, by_id, "centre_question")
    problems += _check_special_question(raw, by_id, "role_question")
    problems += _check_eligibility(raw, entries)
    problems += _check_privacy(raw)
    problems += _check_faces(raw, entries)
    return problems


def _first_by_id(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for entry in entries:
        qid = entry.get("id")
        if isinstance(qid, str):
            by_id.setdefault(qid, entry)
    return by_id


def _check_ids_and_relevance(questions: object, entries: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    all_ids = {entry.get("id") for entry in entries if isinstance(entry.get("id"), str)}
    earlier: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        name = question_name(questions, index)
        qid = entry.get("id")
        if isinstance(qid, str) and qid in earlier:
            position = next(i for i, e in enumerate(entries) if e.get("id") == qid) + 1
            problems.append(Problem(name, "id", f"duplicate id; question #{position} already uses it"))
        relevant = entry.get("relevant")
        if isinstance(relevant, str):
            found = _relevance_problems(relevant, qid, all_ids, earlier)
            problems += [Problem(name, "relevant", message) for message in found]
        if isinstance(qid, str):
            earlier.setdefault(qid, entry)
    return problems


def _relevance_problems(
    source: str, own_id: object, all_ids: set[object], earlier: Mapping[str, dict[str, Any]]
) -> list[str]:
    try:
        expression = compile_expression(source)
    except ExpressionError as error:
        return [str(error)]
    problems = []
    for ref in expression.references:
        if ref == own_id:
            problems.append(f"refers to this question itself ('{ref}'); use earlier answers only")
        elif ref not in all_ids:
            problems.append(f"refers to unknown question '{ref}'")
        elif ref not in earlier:
            problems.append(f"refers to '{ref}', which comes later; use earlier answers only")
        elif earlier[ref].get("type") == "note":
            problems.append(f"refers to '{ref}', a note, which has no answer")
    for ref, literal in literal_comparisons(expression):
        if ref in earlier:
            problem = _literal_problem(ref, earlier[ref], literal)
            if problem:
                problems.append(problem)
    return problems


def _literal_problem(ref: str, target: Mapping[str, object], literal: object) -> str | None:
    """Why comparing `ref`'s answer with `literal` could never be true, if it could not."""
    kind = target.get("type")
    if kind == "likert5" and literal not in (1, 2, 3, 4, 5):
        return f"compares '{ref}' with {literal!r}, but its answers are the numbers 1 to 5"
    if kind == "number" and not isinstance(literal, (int, float)):
        return f"compares '{ref}' with {literal!r}, but its answers are numbers"
    if kind == "text" and not isinstance(literal, str):
        return f"compares '{ref}' with {literal!r}, but its answers are text"
    if kind == "yes_no" and literal not in ("yes", "no"):
        return f"compares '{ref}' with {literal!r}, but its answers are 'yes' or 'no'"
    if kind in _CHOICE_TYPES:
        values = _option_values(target)
        if values and literal not in values:
            return f"{literal!r} is not an option of '{ref}' (options: {', '.join(values)})"
    return None


def _option_values(entry: Mapping[str, object]) -> list[str]:
    options = entry.get("options")
    if not isinstance(options, list):
        return []
    return [o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]


def _check_score(raw: Mapping[str, object], by_id: Mapping[str, dict[str, Any]]) -> list[Problem]:
    score = raw.get("score")
    if score is None:
        indicator = raw.get("indicator")
        if isinstance(indicator, str):
            return [Problem(None, "score", f"is required: the survey feeds indicator {indicator}")]
        return []
    target = score.get("question") if isinstance(score, dict) else None
    if not isinstance(target, str):
        return []
    if target not in by_id:
        return [Problem(None, "score", f"refers to unknown question '{target}'")]
    kind = by_id[target].get("type")
    if kind != "likert5":
        return [Problem(None, "score", f"question '{target}' is {kind!r}; the score needs a likert5 question")]
    if by_id[target].get("not_applicable") is True:
        return [Problem(None, "score", f"question '{target}' allows 'not applicable'; the score needs a rating from everyone asked")]
    return []


def _check_special_question(raw: Mapping[str, object], by_id: Mapping[str, dict[str, Any]], field: str) -> list[Problem]:
    target = raw.get(field)
    if not isinstance(target, str):
        return []
    if target not in by_id:
        return [Problem(None, field, f"refers to unknown question '{target}'")]
    entry = by_id[target]
    if entry.get("type") != "single":
        return [Problem(None, field, f"question '{target}' must be a single-choice question")]
    values = set(_option_values(entry))
    if field == "role_question" and not REQUIRED_ROLES <= values <= ROLE_VALUES:
        return [Problem(None, field, f"question '{target}' must have the options self and carer, and may add self_helped only")]
    return []


def _check_eligibility(raw: Mapping[str, object], entries: list[dict[str, Any]]) -> list[Problem]:
    """The eligibility question is the first, a required yes/no: everyone is asked it first."""
    eligibility = raw.get("eligibility")
    target = eligibility.get("question") if isinstance(eligibility, dict) else None
    if not isinstance(target, str):
        return []
    if not any(entry.get("id") == target for entry in entries):
        return [Problem(None, "eligibility", f"refers to unknown question '{target}'")]
    first = entries[0]
    if first.get("id") != target:
        return [Problem(None, "eligibility", f"question '{target}' must be the first question")]
    if first.get("type") != "yes_no" or first.get("required", True) is not True or first.get("relevant") is not None:
        return [Problem(None, "eligibility", f"question '{target}' must be a required yes_no question without a condition")]
    return []


def _check_faces(raw: Mapping[str, object], entries: list[dict[str, Any]]) -> list[Problem]:
    """Faces need a rating question to stand beside, and stay off a sensitive survey: a face
    read over a shoulder tells more than a line of small words."""
    if raw.get("faces") is not True:
        return []
    if raw.get("sensitive") is True:
        return [Problem(None, "faces", "a sensitive survey keeps its scales in words only; remove faces")]
    if not any(entry.get("type") == "likert5" for entry in entries):
        return [Problem(None, "faces", "the survey has no likert5 question to show faces beside")]
    return []


def _check_privacy(raw: Mapping[str, object]) -> list[Problem]:
    if raw.get("sensitive") is not True:
        return []
    problems = []
    if raw.get("anonymity") != "anonymous":
        problems.append(Problem(None, "sensitive", "a sensitive survey must have anonymity: anonymous"))
    title = raw.get("title")
    texts = [t for t in title.values() if isinstance(t, str)] if isinstance(title, dict) else []
    found = sorted({word for word in REVEALING_WORDS for text in texts if word in text.casefold()})
    if found:
        problems.append(
            Problem(None, "title", f"a sensitive survey needs a neutral title; remove: {', '.join(found)}")
        )
    link = raw.get("link")
    if link is None:
        problems.append(Problem(None, "link", "a sensitive survey needs a neutral link code, so its posters and links do not show its id"))
    elif isinstance(link, str):
        revealing = sorted(word for word in REVEALING_LINK_WORDS if word in link.casefold())
        if revealing or link == raw.get("id"):
            problems.append(Problem(None, "link", f"a sensitive survey's link code must be neutral; remove: {', '.join(revealing) or link}"))
    return problems
