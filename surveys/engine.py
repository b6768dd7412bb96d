"""The survey engine: pure functions from (definition, state, input) to (state, events).

Modelled on nyaruka/goflow: no Telegram, no database, no clock. The caller loads
the stored state, calls `resume`, saves the new state and acts on the events, in
one transaction; every state survives a round trip through JSON, so a restart or
a second worker continues exactly where the person was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple, TypeVar

from surveys.answers import (
    LIKERT_VALUES,
    Answer,
    Invalid,
    check_choices,
    option_values,
    parse_choice,
    parse_number,
    parse_prefill,
    parse_text,
    shown,
)
from surveys.definition import (
    Likert5Question,
    MultipleQuestion,
    NoteQuestion,
    NumberQuestion,
    Question,
    SingleQuestion,
    SurveyDefinition,
    TextQuestion,
    YesNoQuestion,
)
from surveys.labels import LIKERT5_FACES, NOT_APPLICABLE, NOT_APPLICABLE_VALUE, YES_NO, label, with_face
from surveys.redaction import redact
from surveys.relevance import compile_expression, evaluate

Status = Literal["active", "completed"]
_T = TypeVar("_T")


class EngineError(Exception):
    """A programming or storage mistake (wrong definition version, corrupt state), never a citizen's input."""


@dataclass(frozen=True)
class SessionState:
    """Where one person is in one survey. Treat as immutable: the engine always builds a new one.

    `path` holds the questions asked before the current one, for Back;
    `prefilled` the questions answered in advance, which are never asked.
    """

    survey_id: str
    version: int
    current: str | None
    answers: dict[str, Answer]
    path: list[str]
    pending: list[str]
    status: Status
    prefilled: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """Plain JSON types only: dict, list, str, int, float, None."""
        return {
            "survey_id": self.survey_id,
            "version": self.version,
            "current": self.current,
            "answers": {qid: list(v) if isinstance(v, list) else v for qid, v in self.answers.items()},
            "path": list(self.path),
            "pending": list(self.pending),
            "status": self.status,
            "prefilled": list(self.prefilled),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SessionState:
        """Rebuild a stored state; raises EngineError if it is not one `to_json` could produce."""
        try:
            state = cls(
                survey_id=_typed(data["survey_id"], str),
                version=_typed(data["version"], int),
                current=None if data["current"] is None else _typed(data["current"], str),
                answers={_typed(k, str): _stored_answer(v) for k, v in _typed(data["answers"], dict).items()},
                path=_strings(data["path"]),
                pending=_strings(data["pending"]),
                status=_typed(data["status"], str),  # type: ignore[arg-type]  # any text here; checked just below
                prefilled=_strings(data["prefilled"]),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise EngineError(f"malformed session state: {error}") from None
        if state.status not in ("active", "completed"):
            raise EngineError(f"malformed session state: unknown status {state.status!r}")
        return state


def _typed(value: object, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"expected {kind.__name__}, got {value!r}")
    return value


def _strings(value: object) -> list[str]:
    return [_typed(item, str) for item in _typed(value, list)]


def _stored_answer(value: object) -> Answer:
    if isinstance(value, list):
        return _strings(value)
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected an answer, got {value!r}")


# Inputs: what the person did.


@dataclass(frozen=True)
class Text:
    """Typed text: the answer to a number or text question."""

    text: str


@dataclass(frozen=True)
class Choose:
    """A button: likert "1".."5", an option value, or "yes"/"no"."""

    value: str


@dataclass(frozen=True)
class Toggle:
    """Tick or untick one option of a multiple-choice question."""

    value: str


@dataclass(frozen=True)
class Submit:
    """Confirm the ticked options of a multiple-choice question."""


@dataclass(frozen=True)
class Next:
    """Continue after a note."""


@dataclass(frozen=True)
class Back:
    """Return to the previous question asked."""


@dataclass(frozen=True)
class Skip:
    """Leave an optional question unanswered."""


Input = Text | Choose | Toggle | Submit | Next | Back | Skip


# Events: what the caller should do.


@dataclass(frozen=True)
class Ask:
    """Show this question (again, after a toggle) with its current answer or ticks."""

    question_id: str


@dataclass(frozen=True)
class Rejected:
    """The input was refused; nothing changed. `params` fill the message (min, max, ...)."""

    question_id: str | None
    reason: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Redacted:
    """Contact details, or the person's own name, were removed from the text answer to
    `question_id` before it was kept: the person should know, since nobody can reach them
    through it. `removed` says what: "contact", "name" or both."""

    question_id: str
    removed: tuple[Literal["contact", "name"], ...] = ("contact",)


@dataclass(frozen=True)
class Completed:
    """The survey is finished; `answers` hold only questions still relevant. `eligible` is
    False when the person said they are not whom the survey is for: nothing is kept then."""

    answers: dict[str, Answer]
    satisfied: bool | None
    score: int | None
    eligible: bool = True


Event = Ask | Rejected | Redacted | Completed


class Step(NamedTuple):
    state: SessionState
    events: tuple[Event, ...]


def start(defn: SurveyDefinition, prefill: Mapping[str, object] | None = None) -> Step:
    """Begin a session. Prefilled answers are checked like typed ones and not asked;
    an invalid one is reported as Rejected and its question asked normally.
    Raises EngineError only for a prefill key that is not an answerable question.
    """
    answers: dict[str, Answer] = {}
    events: list[Event] = []
    for qid, value in (prefill or {}).items():
        target = question(defn, qid)
        if isinstance(target, NoteQuestion):
            raise EngineError(f"cannot prefill note '{qid}' of survey '{defn.id}'")
        result = parse_prefill(target, value)
        if isinstance(result, Invalid):
            events.append(Rejected(qid, result.reason, result.params))
        else:
            answers[qid] = result
    state = SessionState(
        survey_id=defn.id,
        version=defn.version,
        current=None,
        answers=answers,
        path=[],
        pending=[],  # pragma: no mutate (equivalent: `_advance` always sets `pending` before the state is seen)
        status="active",
        prefilled=[q.id for q in defn.questions if q.id in answers],
    )
    return _advance(defn, state, after=-1, events=events)


def resume(defn: SurveyDefinition, state: SessionState, input: Input, *, names: Sequence[str] = ()) -> Step:
    """Apply one input. Never raises for any input; raises EngineError when `defn`
    is not the definition (id and version) the state was started with.

    `names` are the person's own names as their chat app shows them (first, last, user
    name); an anonymous survey's free text keeps none of them, nor any contact detail."""
    if (state.survey_id, state.version) != (defn.id, defn.version):
        raise EngineError(
            f"state belongs to survey '{state.survey_id}' version {state.version}, "
            f"not '{defn.id}' version {defn.version}; load the version the state names"
        )
    if state.status == "completed":
        return Step(state, (Rejected(None, "already_completed"),))
    if state.current is None:
        raise EngineError("malformed session state: active without a current question")
    current = question(defn, state.current)
    if isinstance(input, Back):
        return _back(defn, state, current)
    if isinstance(input, Skip):
        return _skip(defn, state, current)
    if isinstance(input, Toggle) and isinstance(current, MultipleQuestion):
        return _toggle(state, current, input.value)
    result = _answer(current, state, input)
    if isinstance(result, Invalid):
        return Step(state, (Rejected(current.id, result.reason, result.params),))
    removed: tuple[Literal["contact", "name"], ...] = ()  # pragma: no mutate (equivalent: only its truth is read, and None is as false as ())
    if isinstance(result, str) and isinstance(current, TextQuestion) and defn.anonymity == "anonymous":
        kept = redact(result, names)
        result = kept.text
        removed = (*(("contact",) if kept.contact else ()), *(("name",) if kept.name else ()))
    answers = dict(state.answers)
    if not isinstance(current, NoteQuestion) and result is not None:  # a note has no answer (None)
        answers[current.id] = result
    step = _forward(defn, replace(state, answers=answers), current)
    return Step(step.state, (Redacted(current.id, removed), *step.events)) if removed else step


def _answer(current: Question, state: SessionState, input: object) -> Answer | None | Invalid:
    """The answer an input gives to the current question (None for a note), or why not."""
    if isinstance(current, NoteQuestion):
        return None if isinstance(input, Next) else _wrong(current)
    if isinstance(current, NumberQuestion) and isinstance(input, Text):
        return parse_number(current, input.text)
    if isinstance(current, TextQuestion) and isinstance(input, Text):
        return parse_text(current, input.text)
    if isinstance(current, MultipleQuestion) and isinstance(input, Submit):
        return check_choices(current, state.pending)
    if isinstance(current, (Likert5Question, SingleQuestion, YesNoQuestion)) and isinstance(input, Choose):
        return parse_choice(current, input.value)
    return _wrong(current)


def _wrong(current: Question) -> Invalid:
    """Wrong kind of input, e.g. typed text where a button is due; says what is expected."""
    expected = {
        NoteQuestion: "next",
        NumberQuestion: "number",
        TextQuestion: "text",
        MultipleQuestion: "choices",
    }.get(type(current), "choice")
    return Invalid("wrong_input", {"expected": expected})


def _back(defn: SurveyDefinition, state: SessionState, current: Question) -> Step:
    if not state.path:
        return Step(state, (Rejected(current.id, "cannot_go_back"),))
    previous = state.path[-1]
    pending = _pending_for(defn, state, previous)
    moved = replace(state, current=previous, path=state.path[:-1], pending=pending)
    return Step(moved, (Ask(previous),))


def _skip(defn: SurveyDefinition, state: SessionState, current: Question) -> Step:
    if isinstance(current, NoteQuestion):
        return Step(state, (Rejected(current.id, "wrong_input", {"expected": "next"}),))
    if current.required:
        return Step(state, (Rejected(current.id, "required"),))
    answers = {qid: value for qid, value in state.answers.items() if qid != current.id}
    return _forward(defn, replace(state, answers=answers), current)


def _toggle(state: SessionState, current: MultipleQuestion, value: object) -> Step:
    allowed = option_values(current)
    if value not in allowed:
        return Step(state, (Rejected(current.id, "not_an_option", {"value": shown(value)}),))
    if value in state.pending:
        chosen = [v for v in state.pending if v != value]
    elif len(state.pending) >= current.choice_limit:
        return Step(state, (Rejected(current.id, "too_many_choices", {"max_choices": current.choice_limit}),))
    else:
        chosen = [v for v in allowed if v in state.pending or v == value]
    return Step(replace(state, pending=chosen), (Ask(current.id),))


def _forward(defn: SurveyDefinition, state: SessionState, current: Question) -> Step:
    moved = replace(state, path=[*state.path, current.id])
    return _advance(defn, moved, after=_index(defn, current.id), events=[])


def _advance(defn: SurveyDefinition, state: SessionState, after: int, events: list[Event]) -> Step:
    """Ask the next relevant, not prefilled question after position `after`, or complete."""
    if not eligible(defn, state.answers):
        done = replace(state, current=None, pending=[], answers={}, status="completed")
        return Step(done, (*events, Completed(answers={}, satisfied=None, score=None, eligible=False)))
    for candidate in defn.questions[after + 1 :]:
        if candidate.id not in state.prefilled and _relevant_now(defn, candidate, state.answers):
            asked = replace(state, current=candidate.id, pending=_pending_for(defn, state, candidate.id))
            return Step(asked, (*events, Ask(candidate.id)))
    done = replace(state, current=None, pending=[], answers=relevant_answers(defn, state.answers), status="completed")
    return Step(done, (*events, completion(defn, done)))


def completion(defn: SurveyDefinition, state: SessionState) -> Completed:
    """What a completed state hands over to be saved: the same again whenever it is asked, so
    a save that failed can be tried again from the stored state, without answering again.
    (A person the survey is not for is never saved: their state is not kept to ask again.)"""
    if state.status != "completed":
        raise EngineError("the survey is not completed yet")
    score, satisfied = _score(defn, state.answers)
    return Completed(answers=dict(state.answers), satisfied=satisfied, score=score)


def eligible(defn: SurveyDefinition, answers: Mapping[str, Answer]) -> bool:
    """False once the eligibility question is answered with anything but "yes"."""
    if defn.eligibility is None or defn.eligibility.question not in answers:
        return True
    return answers[defn.eligibility.question] == "yes"


def _pending_for(defn: SurveyDefinition, state: SessionState, qid: str) -> list[str]:
    """The ticks shown when arriving at a question: its earlier answer, if multiple choice."""
    earlier = state.answers.get(qid)
    if isinstance(question(defn, qid), MultipleQuestion) and isinstance(earlier, list):
        return list(earlier)
    return []


def _score(defn: SurveyDefinition, answers: Mapping[str, Answer]) -> tuple[int | None, bool | None]:
    if defn.score is None:
        return None, None
    value = answers.get(defn.score.question)
    if not isinstance(value, int):
        return None, None
    return value, value in defn.score.satisfied


def is_relevant(target: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether `target` applies, given answers to earlier questions."""
    return target.relevant is None or evaluate(compile_expression(target.relevant), answers)


def relevant_answers(defn: SurveyDefinition, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers that still count: those of questions relevant given the answers kept before them.

    Going back and changing an answer can make later questions irrelevant; their
    old answers stay in the state until completion, then are dropped here.
    """
    kept: dict[str, Answer] = {}
    for candidate in defn.questions:
        if candidate.id in answers and is_relevant(candidate, kept):
            kept[candidate.id] = answers[candidate.id]
    return kept


def _relevant_now(defn: SurveyDefinition, candidate: Question, answers: Mapping[str, Answer]) -> bool:
    return is_relevant(candidate, relevant_answers(defn, answers))


def _index(defn: SurveyDefinition, qid: str) -> int:
    return next(i for i, q in enumerate(defn.questions) if q.id == qid)


def question(defn: SurveyDefinition, qid: str) -> Question:
    """The question with this id; raises EngineError if the survey has none."""
    for candidate in defn.questions:
        if candidate.id == qid:
            return candidate
    raise EngineError(f"survey '{defn.id}' version {defn.version} has no question '{qid}'")


def progress(defn: SurveyDefinition, state: SessionState) -> tuple[int, int]:
    """(position of the current question, questions to be asked) for "3 / 7".

    The total counts questions relevant on the answers so far, so it may grow
    or shrink as answers make later questions apply or not.
    """
    kept = relevant_answers(defn, state.answers)
    total = sum(
        1 for q in defn.questions if q.id not in state.prefilled and is_relevant(q, kept)
    )
    if state.status == "completed":
        return total, total
    index = len(state.path) + 1
    return index, max(total, index)


def choices(defn: SurveyDefinition, qid: str, lang: str) -> list[tuple[str, str]]:
    """The buttons of a question as (value, label) in `lang`; empty for typed answers and notes."""
    target = question(defn, qid)
    if isinstance(target, Likert5Question):
        points = [(value, label(text, lang)) for value, text in zip(LIKERT_VALUES, target.scale)]
        if defn.faces:
            points = [(value, with_face(face, text, lang)) for (value, text), face in zip(points, LIKERT5_FACES)]
        return points + [(NOT_APPLICABLE_VALUE, label(NOT_APPLICABLE, lang))] if target.not_applicable else points
    if isinstance(target, YesNoQuestion):
        return [(value, label(text, lang)) for value, text in YES_NO]
    if isinstance(target, (SingleQuestion, MultipleQuestion)):
        return [(option.value, label(option.label, lang)) for option in target.options]
    return []
