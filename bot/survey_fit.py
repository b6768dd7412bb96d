"""Surveys checked against the rest of kentbot: the plan's indicators, the centres file and
every other deep link. A survey can be well formed on its own and still feed an indicator the
plan measures otherwise, or carry a link code that staff invites already use; `kentbot survey
validate` and start-up refuse such a survey with one line per problem, naming the file, the
field and its line, instead of a figure that silently stays empty or a link that opens the
wrong screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.chat.conversation.deep_links import MAX_PAYLOAD, SEPARATOR
from bot.chat.members import LINK as MEMBERSHIP_LINK
from reports.plan import DEFAULT_PATH as PLAN_PATH
from reports.plan import Plan, PlanError, load_plan
from services.attendance import CHECKIN_PREFIX
from services.invites import PAYLOAD_PREFIX as INVITE_PREFIX
from storage.centres import DEFAULT_PATH as CENTRES_PATH
from storage.centres import Centre, CentreError, load_centres
from surveys.definition import SurveyDefinition, load_definition, shipped_paths, validate_files

# Deep links the bot reads before any survey's: a survey code equal to one never opens the survey.
RESERVED_LINKS = {
    INVITE_PREFIX: "staff invitations",
    CHECKIN_PREFIX: "event check-ins",
}


@dataclass(frozen=True)
class Found:
    """A survey that loaded, with the file it came from and that file's text (for line numbers)."""

    source: str
    definition: SurveyDefinition
    text: str


def check_surveys(
    paths: Sequence[str | Path] | None = None,
    plan_path: str | Path | None = None,
    centres_path: str | Path | None = None,
) -> tuple[list[str], list[Found]]:
    """Every problem of the surveys at `paths` (those in use when None), one line each, and the
    surveys that loaded. Given files are checked beside the surveys in use with other ids, as
    the bot would run them together."""
    try:
        centres = load_centres(centres_path)
    except CentreError as error:
        return [f"{centres_path or CENTRES_PATH}: {_after_name(error)}"], []
    try:
        plan = load_plan(plan_path)
    except PlanError as error:
        return [f"{plan_path or PLAN_PATH}: {_after_name(error)}"], []
    targets = list(paths) if paths else list(shipped_paths())
    results = validate_files(targets, centres)
    problems = [line for lines in results.values() for line in lines]
    found = [_found(source, centres) for source, lines in results.items() if not lines]
    given_ids = {survey.definition.id for survey in found}
    context = [] if not paths else [
        survey for survey in (_loadable(path, centres) for path in shipped_paths()) if survey and survey.definition.id not in given_ids
    ]
    problems += plan_problems(found, context, plan, str(plan_path or PLAN_PATH))
    problems += link_problems(found, context, centres)
    return problems, found


def plan_problems(found: Sequence[Found], context: Sequence[Found], plan: Plan, plan_source: str) -> list[str]:
    """A survey feeds the indicator whose `survey` is its id, and that indicator only; every
    survey the plan names exists."""
    problems: list[str] = []
    by_code = {indicator.code: indicator for indicator in plan.indicators}
    measured_by = {i.survey: i.code for i in plan.indicators if i.source == "survey" and i.survey}
    for survey in found:
        definition, at = survey.definition, _at(survey, "indicator")
        code = definition.indicator
        if code is None:
            if definition.id in measured_by:
                problems.append(
                    f"{_at(survey, 'id')}: the plan ({plan_source}) measures indicator {measured_by[definition.id]} "
                    f"with survey '{definition.id}': add indicator: \"{measured_by[definition.id]}\""
                )
            continue
        indicator = by_code.get(code)
        if indicator is None:
            known = ", ".join(sorted(measured_by.values(), key=_code_order)) or "none"
            problems.append(f"{at}: '{code}' is not an indicator of the plan ({plan_source}); survey indicators: {known}")
        elif indicator.source != "survey":
            problems.append(f"{at}: the plan ({plan_source}) measures indicator {code} from {indicator.source}, not by a survey")
        elif indicator.survey != definition.id:
            problems.append(
                f"{at}: the plan ({plan_source}) measures indicator {code} with survey '{indicator.survey}', "
                f"not '{definition.id}'"
            )
    present = {survey.definition.id for survey in [*found, *context]}
    plan_text = _read(plan_source)
    for survey_id, code in measured_by.items():
        if survey_id not in present:
            line = _line(plan_text, ("indicators", ("code", code), "survey"))
            problems.append(
                f"{plan_source}: {_line_part(line)}indicator '{code}': field 'survey': no survey '{survey_id}' "
                "among the surveys in use"
            )
    return problems


def link_problems(found: Sequence[Found], context: Sequence[Found], centres: Sequence[Centre]) -> list[str]:
    """Each survey's deep-link codes lead to it alone: to no other survey, no staff or
    membership link, and with every centre the link stays within Telegram's 64 characters."""
    problems: list[str] = []
    for survey in found:
        definition = survey.definition
        for code, field in _codes(definition):
            problem = _code_problem(code)
            if problem is not None:
                problems.append(f"{_at(survey, field)}: the code '{code}' {problem}; choose another")
            other = next((o for o in context if code in {c for c, _ in _codes(o.definition)}), None)
            if other is not None:
                problems.append(
                    f"{_at(survey, field)}: the code '{code}' already leads to survey '{other.definition.id}' "
                    f"in {other.source}; choose another"
                )
        problems += _length_problems(survey, centres)
    return problems


def _codes(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """The codes that open the survey and the field each comes from: a sensitive survey opens
    only by its link code."""
    codes = [(definition.link_code, "link" if definition.link else "id")]
    if definition.link and not definition.sensitive:
        codes.append((definition.id, "id"))
    return codes


def _code_problem(code: str) -> str | None:
    if code == MEMBERSHIP_LINK:
        return "is the membership link of the Alzheimer centres"
    for prefix, used_by in RESERVED_LINKS.items():
        if code.startswith(prefix):
            return f"starts with '{prefix}', which the links of {used_by} use"
    if SEPARATOR in code:
        return f"contains '{SEPARATOR}', which separates the centre in a link"
    return None


def _length_problems(survey: Found, centres: Sequence[Centre]) -> list[str]:
    definition = survey.definition
    if definition.sensitive or definition.centre_question is None:
        return []
    question = next(q for q in definition.questions if q.id == definition.centre_question)
    ids = [option.value for option in getattr(question, "options", ())]
    longest = max(ids, key=len, default="")
    size = len(f"{definition.link_code}{SEPARATOR}{longest}")
    if size <= MAX_PAYLOAD:
        return []
    field = "link" if definition.link else "id"
    return [
        f"{_at(survey, field)}: the link to centre '{longest}' would be {size} characters; Telegram allows "
        f"{MAX_PAYLOAD}: give the survey a shorter link code"
    ]


def _found(source: str, centres: Sequence[Centre]) -> Found:
    return Found(source, load_definition(source, centres), _read(source))


def _loadable(path: Path, centres: Sequence[Centre]) -> Found | None:
    """A survey in use, for context; its own problems are `survey validate`'s to report."""
    if validate_files([path], centres)[str(path)]:
        return None
    return _found(str(path), centres)


def _at(survey: Found, field: str) -> str:
    """`file: line N: field 'x'`, without the line when the field is not written in the file."""
    line = _line(survey.text, (field,))
    return f"{survey.source}: {_line_part(line)}field '{field}'"


def _line_part(line: int | None) -> str:
    return "" if line is None else f"line {line}: "


def _line(text: str, route: tuple[str | tuple[str, str], ...]) -> int | None:
    """The line of the key at the end of `route` in YAML `text`: a route step is a key, or
    (key, value) choosing the list item whose `key` is `value`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for step in route:
        if isinstance(step, tuple) and isinstance(node, yaml.SequenceNode):
            node = next((item for item in node.value if _value_of(item, step[0]) == step[1]), None)
            continue
        if not isinstance(node, yaml.MappingNode):
            return None
        pair = next(((k, v) for k, v in node.value if k.value == step), None)
        if pair is None:
            return None
        line, node = pair[0].start_mark.line + 1, pair[1]
    return line


def _value_of(node: yaml.Node, key: str) -> object:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v.value for k, v in node.value if k.value == key), None)


def _read(source: str | Path) -> str:
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _after_name(error: Exception) -> str:
    """The loader's message without the file's bare name, which the caller gives as a path."""
    return str(error).partition(": ")[2] or str(error)


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))
