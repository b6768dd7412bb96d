"""Survey definitions: the YAML format, its models, loading and validation.

Modelled on XLSForm: question types are data, `relevant` conditions use earlier
answers, every text has a label per language. A definition is identified by
(id, version); `content_hash` lets storage refuse a changed definition that kept
its version number, because responses must always name the exact questions asked.
A question listing centres declares their type and gets its options from the centres file
here, at load time (surveys.centre_options), so the engine sees only plain options.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from storage.centres import Centre, CentreError, load_centres
from storage.strict_yaml import load_yaml, yaml_problem
from surveys.centre_options import copied_centre_problems, fill_centre_options
from surveys.definition_checks import check_definition
from surveys.definition_problems import problem_from_pydantic
from surveys.labels import LANGUAGES, LIKERT5_SCALE, Labels
from surveys.slugs import INDICATOR_CODE, LINK_CODE, OPTION_VALUE, QUESTION_ID, SURVEY_ID

SHIPPED_DIR = Path(__file__).parent / "definitions"
# Where the bot and every command read the surveys from, when not the shipped folder.
SURVEYS_DIR_VARIABLE = "KENTBOT_SURVEYS_DIR"


class SurveyDefinitionError(Exception):
    """A definition that cannot be used; `errors` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _field_error(field: str, message: str) -> PydanticCustomError:
    """An error for one named field, raised from a check spanning several fields."""
    return PydanticCustomError("field", "{message}", {"field": field, "message": message})


class Option(_Model):
    value: str = Field(pattern=OPTION_VALUE.pattern)
    label: Labels


def _unique_values(options: tuple[Option, ...]) -> tuple[Option, ...]:
    values = [option.value for option in options]
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"option values must be unique; repeated: {', '.join(repeated)}")
    return options


class _Question(_Model):
    id: str = Field(pattern=QUESTION_ID.pattern)
    label: Labels
    hint: Labels | None = None
    relevant: str | None = Field(default=None, min_length=1, max_length=500)


class _AnsweredQuestion(_Question):
    required: StrictBool = True


class Likert5Question(_AnsweredQuestion):
    """A 5-point scale; answers are 1..5, 5 the best."""

    type: Literal["likert5"]
    # The built-in scale is written into the parsed definition, so its words are part of the
    # version's content hash: rewording it makes start-up ask for a new survey version.
    scale: tuple[Labels, ...] = Field(default=LIKERT5_SCALE, min_length=5, max_length=5)
    # Adds a "does not apply to me" button (answer "na"), so nobody has to rate a part of the
    # service they did not use; such answers count in no score or share.
    not_applicable: StrictBool = False


class SingleQuestion(_AnsweredQuestion):
    type: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=2, max_length=20)

    _check_options = field_validator("options")(_unique_values)


class MultipleQuestion(_AnsweredQuestion):
    type: Literal["multiple"]
    options: tuple[Option, ...] = Field(min_length=2, max_length=20)
    min_choices: StrictInt = Field(default=1, ge=0)
    max_choices: StrictInt | None = Field(default=None, ge=1)

    _check_options = field_validator("options")(_unique_values)

    @model_validator(mode="after")
    def _check_counts(self) -> MultipleQuestion:
        if self.min_choices > len(self.options):
            raise _field_error("min_choices", f"is more than the {len(self.options)} options")
        if self.max_choices is not None and self.max_choices > len(self.options):
            raise _field_error("max_choices", f"is more than the {len(self.options)} options")
        if self.max_choices is not None and self.min_choices > self.max_choices:
            raise _field_error("min_choices", "is greater than max_choices")
        return self

    @property
    def choice_limit(self) -> int:
        return len(self.options) if self.max_choices is None else self.max_choices


class YesNoQuestion(_AnsweredQuestion):
    type: Literal["yes_no"]


class NumberQuestion(_AnsweredQuestion):
    type: Literal["number"]
    min: StrictFloat | None = None
    max: StrictFloat | None = None
    integer: StrictBool = True

    @model_validator(mode="after")
    def _check_bounds(self) -> NumberQuestion:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _field_error("min", "is greater than max")
        for name in ("min", "max"):
            bound = getattr(self, name)
            if self.integer and bound is not None and not bound.is_integer():
                raise _field_error(name, "must be a whole number when integer is true")
        return self


class TextQuestion(_AnsweredQuestion):
    type: Literal["text"]
    max_length: StrictInt = Field(default=500, ge=1, le=2000)


class NoteQuestion(_Question):
    """Display only: no answer, the person continues with a "next" button."""

    type: Literal["note"]


Question = Annotated[
    Likert5Question | SingleQuestion | MultipleQuestion | YesNoQuestion | NumberQuestion | TextQuestion | NoteQuestion,
    Field(discriminator="type"),
]
AnsweredQuestion = Likert5Question | SingleQuestion | MultipleQuestion | YesNoQuestion | NumberQuestion | TextQuestion


class Score(_Model):
    """Top-2-box scoring: the answers of `question` that count as satisfied."""

    question: str = Field(pattern=QUESTION_ID.pattern)
    satisfied: tuple[StrictInt, ...] = Field(default=(4, 5), min_length=1, max_length=4)

    @field_validator("satisfied")
    @classmethod
    def _check_satisfied(cls, values: tuple[int, ...]) -> tuple[int, ...]:
        if any(value not in range(1, 6) for value in values):
            raise ValueError("values must be between 1 and 5")
        if len(set(values)) != len(values):
            raise ValueError("values must not repeat")
        return values


class Eligibility(_Model):
    """Who the survey is for: its yes/no question (asked first); a "no" ends the survey with
    `closing` and keeps nothing, so no answer from outside counts in the indicator."""

    question: str = Field(pattern=QUESTION_ID.pattern)
    closing: Labels


class SurveyDefinition(_Model):
    id: str = Field(pattern=SURVEY_ID.pattern)
    version: StrictInt = Field(ge=1)
    indicator: str | None = Field(default=None, pattern=INDICATOR_CODE.pattern)
    anonymity: Literal["anonymous", "pseudonymous", "identified"]
    period: Literal["week", "month", "quarter", "year"]
    sensitive: StrictBool = False
    link: str | None = Field(default=None, pattern=LINK_CODE.pattern)
    title: Labels
    intro: Labels
    closing: Labels
    score: Score | None = None
    eligibility: Eligibility | None = None
    centre_question: str | None = Field(default=None, pattern=QUESTION_ID.pattern)
    role_question: str | None = Field(default=None, pattern=QUESTION_ID.pattern)
    # A face beside each point of every satisfaction scale (surveys.labels.LIKERT5_FACES);
    # never on a sensitive survey, whose screen may be read over a shoulder (definition_checks).
    faces: StrictBool = False
    questions: tuple[Question, ...] = Field(min_length=1, max_length=100)

    @property
    def link_code(self) -> str:
        """What deep links carry: the neutral `link` when given, else the id."""
        return self.link or self.id


def parse_definition(
    raw: object, source: str = "<definition>", centres: Sequence[Centre] | None = None
) -> SurveyDefinition:
    """Build a definition from parsed YAML/JSON data, or raise with every problem found.

    Centre options are filled in first (from `centres`, else the shipped centres file), then
    shape checks (pydantic) and cross-question checks both run, so one pass reports all
    mistakes; `source` names the file in each message.
    """
    if not isinstance(raw, dict):
        raise SurveyDefinitionError(
            [f"{source}: the file must hold survey fields (id, version, questions, ...)"]
        )
    try:
        raw, problems = fill_centre_options(raw, lambda: load_centres() if centres is None else centres)
    except CentreError as error:
        raise SurveyDefinitionError([f"{source}: field 'centres': {error}"]) from None
    # A question whose centres could not be listed has no options yet: say so once, not thrice.
    unlisted = {problem.question for problem in problems if problem.field == "centres"}
    definition = None
    try:
        definition = SurveyDefinition.model_validate(raw)
    except ValidationError as error:
        found = (problem_from_pydantic(detail, raw) for detail in error.errors())
        problems.extend(p for p in found if not (p.question in unlisted and p.field in ("centres", "options")))
    problems.extend(check_definition(raw))
    if problems:
        raise SurveyDefinitionError(list(dict.fromkeys(problem.render(source) for problem in problems)))
    assert definition is not None
    return definition


def load_definition(path: str | Path, centres: Sequence[Centre] | None = None) -> SurveyDefinition:
    """Read and validate one YAML definition file; centre options from `centres` when given."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SurveyDefinitionError([f"{source}: file not found"]) from None
    except UnicodeDecodeError:
        raise SurveyDefinitionError([f"{source}: the file is not UTF-8 text"]) from None
    except OSError as error:
        raise SurveyDefinitionError([f"{source}: cannot read the file ({error.strerror})"]) from None
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as error:
        raise SurveyDefinitionError([f"{source}: invalid YAML: {yaml_problem(error)}"]) from None
    copied = [problem.render(source) for problem in copied_centre_problems(raw)]
    try:
        definition = parse_definition(raw, source, centres)
    except SurveyDefinitionError as error:
        raise SurveyDefinitionError([*copied, *error.errors]) from None
    if copied:
        raise SurveyDefinitionError(copied)
    return definition


def validate_files(paths: Iterable[str | Path], centres: Sequence[Centre] | None = None) -> dict[str, list[str]]:
    """Every error of every file, keyed by the path as given; an empty list means valid.

    Two files defining the same survey id and version are an error too, since
    storage could then not tell which questions a response answered.
    """
    results: dict[str, list[str]] = {}
    defined: dict[tuple[str, int], str] = {}
    codes: dict[str, tuple[str, str]] = {}  # deep-link code -> (survey id, file)
    for path in paths:
        source = str(path)
        try:
            definition = load_definition(path, centres)
        except SurveyDefinitionError as error:
            results[source] = error.errors
            continue
        key = (definition.id, definition.version)
        if key in defined and defined[key] != source:
            results[source] = [
                f"{source}: field 'version': survey '{definition.id}' version "
                f"{definition.version} is already defined in {defined[key]}; "
                "a changed definition needs a new version"
            ]
            continue
        defined[key] = source
        clash = next(
            (code for code in {definition.id, definition.link_code} if codes.get(code, (definition.id,))[0] != definition.id), None
        )
        if clash is not None:
            results[source] = [
                f"{source}: field 'link': the code {clash!r} already leads to survey "
                f"'{codes[clash][0]}' in {codes[clash][1]}; choose another"
            ]
            continue
        codes.update({code: (definition.id, source) for code in {definition.id, definition.link_code}})
        results[source] = []
    return results


def surveys_dir() -> Path:
    """The folder of the surveys in use: KENTBOT_SURVEYS_DIR, else the shipped definitions."""
    chosen = os.environ.get(SURVEYS_DIR_VARIABLE, "").strip()
    return Path(chosen) if chosen else SHIPPED_DIR


def shipped_paths() -> list[Path]:
    """The definition files in use (see `surveys_dir`)."""
    return sorted(surveys_dir().glob("*.yaml"))


def load_shipped() -> dict[str, SurveyDefinition]:
    """The shipped surveys by id; raises SurveyDefinitionError listing every problem."""
    errors = [line for lines in validate_files(shipped_paths()).values() for line in lines]
    if errors:
        raise SurveyDefinitionError(errors)
    surveys: dict[str, SurveyDefinition] = {}
    for path in shipped_paths():
        definition = load_definition(path)
        if definition.id in surveys:
            raise SurveyDefinitionError([f"{path}: field 'id': survey '{definition.id}' ships twice"])
        surveys[definition.id] = definition
    return surveys


def content_hash(defn: SurveyDefinition) -> str:
    """sha256 (hex) of the canonical JSON of the parsed definition.

    Hashing the parsed model, not the file, means comments, key order and
    spelled-out defaults do not count as changes, while any change to what a
    citizen sees or how answers are scored does. The link code only routes
    people to the survey, so changing it needs no new version. A survey without an
    eligibility question, or without faces, hashes as it did before that field existed.
    """
    excluded = {"link"} | {name for name in ("eligibility", "faces") if not getattr(defn, name)}
    canonical = json.dumps(
        defn.model_dump(mode="json", exclude=excluded), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def missing_translations(defn: SurveyDefinition) -> list[str]:
    """Every text lacking an English or Arabic version, one line each."""
    lines = []
    for where, labels in _all_labels(defn):
        missing = [lang for lang in LANGUAGES if getattr(labels, lang) is None]
        if missing:
            lines.append(f"{where}: no {' or '.join(missing)} text")
    return lines


def _all_labels(defn: SurveyDefinition) -> Iterator[tuple[str, Labels]]:
    for name in ("title", "intro", "closing"):
        yield f"field '{name}'", getattr(defn, name)
    if defn.eligibility is not None:
        yield "field 'eligibility': field 'closing'", defn.eligibility.closing
    for question in defn.questions:
        prefix = f"question '{question.id}': field"
        yield f"{prefix} 'label'", question.label
        if question.hint is not None:
            yield f"{prefix} 'hint'", question.hint
        for number, step in enumerate(getattr(question, "scale", None) or (), start=1):
            yield f"{prefix} 'scale': item {number}", step
        for option in getattr(question, "options", ()):
            yield f"{prefix} 'options': option '{option.value}'", option.label
