"""Centre options filled in from the centres file when a definition is loaded.

A question that lists centres declares `centres: <centre type>` instead of copying names,
so every survey names a centre exactly as the centres file does (its official Turkish
name, English and Arabic). The options are written into the definition before it is
validated: the engine only ever sees plain options, and because the names become part of
the parsed definition, renaming or adding a centre changes the survey's content hash and
asks for a new survey version, like any other visible change. A survey file whose centre
question copies centres into `options` is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from storage.centres import CENTRE_TYPES, Centre
from surveys.definition_problems import Problem, question_name

FIELD = "centres"
MIN_CENTRES = 2  # a choice question offers at least two options
_CHOICE_TYPES = ("single", "multiple")


def fill_centre_options(
    raw: Mapping[str, object], centres: Callable[[], Sequence[Centre]]
) -> tuple[dict[str, object], list[Problem]]:
    """`raw` with each `centres: <type>` replaced by the open centres of that type as options.

    `centres` is called only when some question declares centres, so definitions without
    them need no centres file. Problems name the question and the field.
    """
    filled = dict(raw)
    given = raw.get("questions")
    questions = list(given) if isinstance(given, list) else []
    if not any(isinstance(entry, dict) and FIELD in entry for entry in questions):
        return filled, []
    listed = centres()
    problems: list[Problem] = []
    for index, entry in enumerate(questions):
        if not isinstance(entry, dict) or FIELD not in entry:
            continue
        name = question_name(questions, index)
        found = _declaration_problem(entry)
        if found is not None:
            problems.append(Problem(name, FIELD, found))
            continue
        options = [
            {"value": centre.id, "label": {"tr": centre.name_tr, "en": centre.name_en, "ar": centre.name_ar}}
            for centre in listed
            if centre.type == entry[FIELD] and centre.status == "open"
        ]
        if len(options) < MIN_CENTRES:
            problems.append(Problem(name, FIELD, _too_few(entry[FIELD], len(options))))
        questions[index] = {**{k: v for k, v in entry.items() if k != FIELD}, "options": options}
    filled["questions"] = questions
    return filled, problems


def _too_few(kind: object, found: int) -> str:
    return (
        f"the centres file lists {found} open centre(s) of type {kind!r}; a question needs at least "
        f"{MIN_CENTRES} to choose from: add them to the centres file or drop the question"
    )


def _declaration_problem(entry: Mapping[str, object]) -> str | None:
    kind = entry[FIELD]
    if kind not in CENTRE_TYPES:
        return f"unknown centre type {kind!r} (use one of: {', '.join(CENTRE_TYPES)})"
    if entry.get("type") not in _CHOICE_TYPES:
        return "only single and multiple choice questions can list centres"
    if "options" in entry:
        return "give either 'centres' or 'options', not both"
    return None


def copied_centre_problems(raw: object) -> list[Problem]:
    """A survey file's centre question must take its options from the centres file, never a copy.

    Checked on files only: a parsed definition's JSON (as stored) holds the filled-in options.
    """
    if not isinstance(raw, Mapping):
        return []
    target = raw.get("centre_question")
    questions = raw.get("questions")
    if not isinstance(target, str) or not isinstance(questions, list):
        return []
    entry = next((q for q in questions if isinstance(q, dict) and q.get("id") == target), None)
    if entry is None or entry.get("type") != "single" or FIELD in entry:
        return []
    return [
        Problem(
            None,
            "centre_question",
            f"question '{target}' must list its options with 'centres: <centre type>', "
            "so they follow the centres file",
        )
    ]
