"""The engine, case by case: each question type, each refusal, relevance, back, prefill."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.definition import load_definition, load_shipped, parse_definition
from surveys.engine import (
    Ask,
    Back,
    Choose,
    Completed,
    EngineError,
    Next,
    Rejected,
    SessionState,
    Skip,
    Step,
    Submit,
    Text,
    Toggle,
    choices,
    completion,
    progress,
    question,
    resume,
    start,
)

DEFN = load_definition(Path(__file__).parent / "all_types.yaml")

# One accepted way through each question, used to reach the question under test.
CANNED = {
    "intro_note": [Next()],
    "role": [Choose("carer")],
    "services": [Toggle("a"), Submit()],
    "carer_only": [Choose("yes")],
    "age": [Text("30")],
    "weight": [Text("70,5")],
    "heavy": [Choose("no")],
    "overall": [Choose("2")],
    "why_low": [Text("slow")],
    "comment": [Text("fine")],
}


def run(state: SessionState, *inputs: object) -> Step:
    step = Step(state, ())
    for item in inputs:
        step = resume(DEFN, step.state, item)
    return step


def arrive(qid: str) -> SessionState:
    """A session whose current question is `qid`, reached with the canned answers."""
    state = start(DEFN).state
    while state.current != qid:
        assert state.current is not None, f"{qid} never asked"
        state = run(state, *CANNED[state.current]).state
    return state


ACCEPTED = [
    ("intro_note", (Next(),), None),
    ("role", (Choose("carer"),), "carer"),
    ("role", (Choose("self"),), "self"),
    ("services", (Toggle("b"), Toggle("a"), Submit()), ["a", "b"]),
    ("services", (Toggle("a"), Toggle("c"), Toggle("a"), Submit()), ["c"]),
    ("carer_only", (Choose("no"),), "no"),
    ("age", (Text("30"),), 30),
    ("age", (Text(" 42 "),), 42),
    ("age", (Text("٣"),), 3),
    ("age", (Text("۴۵"),), 45),
    ("age", (Text("３"),), 3),
    ("age", (Text("0"),), 0),
    ("age", (Text("+120"),), 120),
    ("weight", (Text("70,5"),), 70.5),
    ("weight", (Text("70.5"),), 70.5),
    ("weight", (Text("٧٠٫٥"),), 70.5),
    ("weight", (Text("80"),), 80.0),
    ("weight", (Skip(),), None),
    ("overall", (Choose("5"),), 5),
    ("overall", (Choose("1"),), 1),
    ("why_low", (Text("  too slow \n"),), "too slow"),
    ("why_low", (Text("x" * 20),), "x" * 20),
    ("comment", (Text("Çok iyi, teşekkürler 🌷"),), "Çok iyi, teşekkürler 🌷"),
    ("comment", (Skip(),), None),
]


@pytest.mark.parametrize(("qid", "inputs", "value"), ACCEPTED)
def test_accepted_answer_is_recorded_and_the_survey_moves_on(qid: str, inputs: tuple, value: object) -> None:
    before = arrive(qid)
    after, events = run(before, *inputs)

    assert not any(isinstance(event, Rejected) for event in events)
    assert after.current != qid
    if value is None:
        assert qid not in after.answers
    else:
        assert after.answers[qid] == value
        assert type(after.answers[qid]) is type(value)


REJECTED = [
    ("intro_note", (Choose("yes"),), "wrong_input", {"expected": "next"}),
    ("intro_note", (Skip(),), "wrong_input", {"expected": "next"}),
    ("intro_note", (Back(),), "cannot_go_back", {}),
    ("role", (Choose("boss"),), "not_an_option", {"value": "boss"}),
    ("role", (Choose(5),), "not_an_option", {"value": "5"}),
    ("role", (Text("carer"),), "wrong_input", {"expected": "choice"}),
    ("role", (Toggle("carer"),), "wrong_input", {"expected": "choice"}),
    ("role", (Next(),), "wrong_input", {"expected": "choice"}),
    ("role", (Submit(),), "wrong_input", {"expected": "choice"}),
    ("role", (Skip(),), "required", {}),
    ("services", (Submit(),), "too_few_choices", {"min_choices": 1}),
    ("services", (Toggle("a"), Toggle("a"), Submit()), "too_few_choices", {"min_choices": 1}),
    ("services", (Toggle("a"), Toggle("b"), Toggle("c")), "too_many_choices", {"max_choices": 2}),
    ("services", (Toggle("zz"),), "not_an_option", {"value": "zz"}),
    ("services", (Choose("a"),), "wrong_input", {"expected": "choices"}),
    ("services", (Text("a"),), "wrong_input", {"expected": "choices"}),
    ("services", (Skip(),), "required", {}),
    ("carer_only", (Choose("maybe"),), "not_an_option", {"value": "maybe"}),
    ("carer_only", (Choose("Yes"),), "not_an_option", {"value": "Yes"}),
    ("age", (Text("abc"),), "not_a_number", {}),
    ("age", (Text("1e3"),), "not_a_number", {}),
    ("age", (Text("nan"),), "not_a_number", {}),
    ("age", (Text("3 4"),), "not_a_number", {}),
    ("age", (Text("3,5"),), "not_integer", {}),
    ("age", (Text("1.000"),), "not_integer", {}),
    ("age", (Text("121"),), "out_of_range", {"min": 0, "max": 120}),
    ("age", (Text("-1"),), "out_of_range", {"min": 0, "max": 120}),
    ("age", (Text("−1"),), "out_of_range", {"min": 0, "max": 120}),
    ("age", (Text("9" * 5000),), "out_of_range", {"min": 0, "max": 120}),
    ("age", (Text(""),), "empty", {}),
    ("age", (Text("  \n "),), "empty", {}),
    ("age", (Text(None),), "wrong_input", {"expected": "number"}),
    ("age", (Choose("3"),), "wrong_input", {"expected": "number"}),
    ("age", (Skip(),), "required", {}),
    ("weight", (Text("0,1"),), "out_of_range", {"min": 0.5, "max": 300}),
    ("weight", (Text("3,5,1"),), "not_a_number", {}),
    ("overall", (Choose("6"),), "not_an_option", {"value": "6"}),
    ("overall", (Choose("0"),), "not_an_option", {"value": "0"}),
    ("overall", (Choose(" 5"),), "not_an_option", {"value": " 5"}),
    ("overall", (Text("5"),), "wrong_input", {"expected": "choice"}),
    ("why_low", (Text("x" * 21),), "too_long", {"max_length": 20, "length": 21}),
    ("why_low", (Text(" \t "),), "empty", {}),
    ("why_low", (Text("\x00"),), "empty", {}),
    ("why_low", (Skip(),), "required", {}),
    ("comment", (Text("y" * 5000),), "too_long", {"max_length": 50, "length": 5000}),
    ("comment", (Choose("yes"),), "wrong_input", {"expected": "text"}),
]


@pytest.mark.parametrize(("qid", "inputs", "reason", "params"), REJECTED)
def test_refused_input_changes_nothing_and_says_why(qid: str, inputs: tuple, reason: str, params: dict) -> None:
    before = run(arrive(qid), *inputs[:-1]).state
    after, events = resume(DEFN, before, inputs[-1])

    assert events == (Rejected(qid, reason, params),)
    assert after == before


def test_input_to_a_completed_session_is_refused() -> None:
    done = run(arrive("comment"), Skip()).state
    assert done.status == "completed"
    for item in (Back(), Skip(), Next(), Text("x"), Choose("1"), Toggle("a"), Submit()):
        assert resume(DEFN, done, item) == Step(done, (Rejected(None, "already_completed"),))


@pytest.mark.parametrize(
    ("role", "weight", "overall", "services", "asked"),
    [
        ("carer", "150", "1", ["a"], {"carer_only", "heavy", "why_low"}),
        ("self", "150", "1", ["a"], {"heavy", "why_low"}),
        ("carer", "60", "4", ["a"], {"carer_only"}),
        ("self", None, "2", ["d"], set()),  # weight skipped: `${weight} > 100` is false
    ],
)
def test_relevant_questions_are_asked_only_when_their_condition_holds(
    role: str, weight: str | None, overall: str, services: list[str], asked: set[str]
) -> None:
    given = {
        "intro_note": [Next()],
        "role": [Choose(role)],
        "services": [*(Toggle(s) for s in services), Submit()],
        "carer_only": [Choose("yes")],
        "age": [Text("30")],
        "weight": [Text(weight) if weight else Skip()],
        "heavy": [Choose("yes")],
        "overall": [Choose(overall)],
        "why_low": [Text("because")],
        "comment": [Skip()],
    }
    state, events = start(DEFN)
    seen = [events[0].question_id]
    while state.status == "active":
        state, events = run(state, *given[state.current])
        seen += [e.question_id for e in events if isinstance(e, Ask)]
    conditional = {"carer_only", "heavy", "why_low"}
    assert set(seen) & conditional == asked
    assert set(state.answers) & conditional == asked


def test_back_shows_the_earlier_answer_and_ticks_until_re_answered() -> None:
    state = run(arrive("age"), Back()).state
    assert (state.current, state.answers["carer_only"]) == ("carer_only", "yes")
    state = run(state, Back()).state
    assert state.current == "services"
    assert state.pending == ["a"]
    assert state.answers["services"] == ["a"]

    state, events = run(state, Back())
    assert (state.current, state.answers["role"]) == ("role", "carer")
    assert events == (Ask("role"),)

    state = run(state, Choose("self"), Toggle("b"), Submit()).state
    assert state.current == "age"
    assert state.answers["services"] == ["a", "b"]
    assert state.answers["carer_only"] == "yes"  # kept while the person may still go back


def test_answers_that_became_irrelevant_are_dropped_at_completion() -> None:
    state = run(arrive("age"), Back(), Back(), Back(), Choose("self"), Submit())
    assert state.state.current == "age"
    done, events = run(
        state.state, Text("30"), Text("150"), Choose("yes"), Back(), Back(), Skip(), Choose("5"), Skip()
    )
    completed = events[-1]
    assert isinstance(completed, Completed)
    assert completed.answers == {"role": "self", "services": ["a"], "age": 30, "overall": 5}
    assert done.answers == completed.answers
    assert (completed.score, completed.satisfied) == (5, True)


@pytest.mark.parametrize(("overall", "satisfied"), [("1", False), ("3", False), ("4", True), ("5", True)])
def test_completion_scores_top_two_box(overall: str, satisfied: bool) -> None:
    state = arrive("overall")
    while state.status == "active":
        nxt = [Choose(overall)] if state.current == "overall" else [Skip()] if state.current == "comment" else CANNED[state.current]
        state, events = run(state, *nxt)
    assert events[-1] == Completed(answers=state.answers, satisfied=satisfied, score=int(overall))


@pytest.mark.parametrize("overall", ["2", "5"])
def test_a_stored_completed_state_hands_over_the_same_completion_again(overall: str) -> None:
    """A save that failed is tried again from the stored state: the same answers and scores."""
    state = arrive("overall")
    while state.status == "active":
        nxt = [Choose(overall)] if state.current == "overall" else CANNED[state.current]
        state, events = run(state, *nxt)
    stored = SessionState.from_json(state.to_json())
    assert completion(DEFN, stored) == events[-1]
    with pytest.raises(EngineError):
        completion(DEFN, arrive("overall"))


def test_survey_without_score_completes_with_none() -> None:
    unscored = parse_definition(
        {
            "id": "plain",
            "version": 1,
            "anonymity": "anonymous",
            "period": "year",
            "title": {"tr": "T"},
            "intro": {"tr": "I"},
            "closing": {"tr": "C"},
            "questions": [{"id": "q", "type": "yes_no", "label": {"tr": "?"}}],
        }
    )
    state, _ = start(unscored)
    _, events = resume(unscored, state, Choose("yes"))
    assert events == (Completed(answers={"q": "yes"}, satisfied=None, score=None),)


def test_prefilled_answer_is_not_asked_and_back_does_not_enter_it() -> None:
    state, events = start(DEFN, {"role": "carer"})
    assert events == (Ask("intro_note"),)
    state, events = resume(DEFN, state, Next())
    assert events == (Ask("services"),)
    state, events = resume(DEFN, state, Back())
    assert events == (Ask("intro_note"),)
    assert state.answers == {"role": "carer"}
    assert progress(DEFN, state) == (1, 7)  # role prefilled; carer_only applies, heavy and why_low not yet


@pytest.mark.parametrize(
    ("prefill", "answers"),
    [
        ({"age": "٤٠"}, {"age": 40}),
        ({"age": 40}, {"age": 40}),
        ({"weight": 70.5}, {"weight": 70.5}),
        ({"services": ["b", "a"]}, {"services": ["a", "b"]}),
        ({"overall": 4}, {"overall": 4}),
        ({"overall": "4"}, {"overall": 4}),
        ({"comment": "  hi "}, {"comment": "hi"}),
    ],
)
def test_prefill_accepts_what_the_matching_input_would(prefill: dict, answers: dict) -> None:
    state, _ = start(DEFN, prefill)
    assert state.answers == answers
    assert state.prefilled == list(prefill)


@pytest.mark.parametrize(
    ("prefill", "rejected"),
    [
        ({"role": "boss"}, Rejected("role", "not_an_option", {"value": "boss"})),
        ({"age": 300}, Rejected("age", "out_of_range", {"min": 0, "max": 120})),
        ({"age": True}, Rejected("age", "wrong_input", {"expected": "number"})),
        ({"age": 2.5}, Rejected("age", "not_integer", {})),
        ({"services": "a"}, Rejected("services", "wrong_input", {"expected": "choices"})),
        ({"services": ["a", "b", "c"]}, Rejected("services", "too_many_choices", {"max_choices": 2})),
        ({"overall": True}, Rejected("overall", "not_an_option", {"value": "True"})),
        ({"services": ["a", "zz"]}, Rejected("services", "not_an_option", {"value": "zz"})),
        ({"role": "x" * 50}, Rejected("role", "not_an_option", {"value": "x" * 40})),
        ({"comment": 5}, Rejected("comment", "wrong_input", {"expected": "text"})),
        ({"age": "1234567890123456"}, Rejected("age", "out_of_range", {"min": 0, "max": 120})),
    ],
)
def test_invalid_prefill_is_reported_and_the_question_asked(prefill: dict, rejected: Rejected) -> None:
    state, events = start(DEFN, prefill)
    assert events == (rejected, Ask("intro_note"))
    assert state.answers == {} and state.prefilled == []


@pytest.mark.parametrize(
    ("key", "message"),
    [("nowhere", "survey 'all_types' version 3 has no question 'nowhere'"), ("intro_note", "cannot prefill note 'intro_note' of survey 'all_types'")],
)
def test_prefill_of_a_non_question_is_a_programming_error(key: str, message: str) -> None:
    with pytest.raises(EngineError, match=message):
        start(DEFN, {key: "x"})


def test_fifteen_digits_are_still_a_number_and_limits_are_quoted_as_written() -> None:
    state, _ = start(DEFN, {"age": "000000000000040"})
    assert state.answers == {"age": 40}
    _, (rejected, _) = start(DEFN, {"age": 121})
    assert isinstance(rejected, Rejected) and rejected.params == {"min": 0, "max": 120}
    assert [type(v) for v in rejected.params.values()] == [int, int]
    _, (light, _) = start(DEFN, {"weight": 0.1})
    assert isinstance(light, Rejected) and light.params == {"min": 0.5, "max": 300}
    assert [type(v) for v in light.params.values()] == [float, int]


def test_the_json_of_a_state_shares_no_list_with_the_state() -> None:
    state, _ = start(DEFN, {"services": ["a", "b"]})
    stored = state.to_json()
    stored["answers"]["services"].append("c")  # type: ignore[index]
    assert state.answers["services"] == ["a", "b"]
    assert SessionState.from_json(state.to_json()) == state


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("version", "1", "expected int, got '1'"), ("answers", {"q": None}, "expected an answer, got None")],
)
def test_a_malformed_state_says_what_is_wrong(field: str, value: object, message: str) -> None:
    data = start(DEFN).state.to_json()
    data[field] = value
    with pytest.raises(EngineError, match=f"malformed session state: {message}"):
        SessionState.from_json(data)


def test_resuming_with_another_definition_version_is_refused() -> None:
    state, _ = start(DEFN)
    newer = DEFN.model_copy(update={"version": DEFN.version + 1})
    other = load_shipped()["disability_centre"]
    for defn in (newer, other):
        with pytest.raises(EngineError, match="load the version the state names"):
            resume(defn, state, Next())


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"survey_id": "all_types"},
        {**start(DEFN).state.to_json(), "status": "paused"},
        {**start(DEFN).state.to_json(), "version": "3"},
        {**start(DEFN).state.to_json(), "answers": {"age": {"x": 1}}},
        {**start(DEFN).state.to_json(), "path": "role"},
    ],
)
def test_malformed_stored_state_is_refused(data: dict) -> None:
    with pytest.raises(EngineError, match="malformed session state"):
        SessionState.from_json(data)


def test_progress_counts_relevant_questions_as_they_become_known() -> None:
    state, _ = start(DEFN)
    assert progress(DEFN, state) == (1, 7)  # carer_only, heavy and why_low do not apply yet
    state = run(state, Next(), Choose("carer")).state
    assert progress(DEFN, state) == (3, 8)
    state = run(state, Back()).state
    assert progress(DEFN, state) == (2, 8)
    done = run(arrive("comment"), Skip()).state
    assert progress(DEFN, done) == (9, 9)  # heavy never applied (weight 70.5)


def test_choices_in_each_language() -> None:
    assert choices(DEFN, "overall", "tr")[0] == ("1", "Hiç memnun değilim")
    assert choices(DEFN, "overall", "en")[4] == ("5", "Very satisfied")
    assert [value for value, _ in choices(DEFN, "overall", "ar")] == ["1", "2", "3", "4", "5"]
    assert choices(DEFN, "carer_only", "ar") == [("yes", "نعم"), ("no", "لا")]
    assert choices(DEFN, "services", "en") == [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
    assert choices(DEFN, "role", "en") == [("self", "Me"), ("carer", "Carer")]
    assert choices(DEFN, "age", "tr") == [] and choices(DEFN, "intro_note", "tr") == []
    women = load_shipped()["women_support"]
    assert choices(women, "ease_of_access", "en")[0] == ("1", "Very difficult")


def test_question_lookup() -> None:
    assert question(DEFN, "age").type == "number"
    with pytest.raises(EngineError):
        question(DEFN, "nowhere")


@pytest.mark.parametrize(("overall", "satisfied"), [("1", False), ("2", False), ("3", False), ("4", True), ("5", True)])
def test_a_score_without_its_satisfied_answers_is_top_two_box(overall: str, satisfied: bool) -> None:
    """A definition that names only the scored question counts "satisfied" and "very satisfied"."""
    scored = parse_definition(
        {
            "id": "plain",
            "version": 1,
            "anonymity": "pseudonymous",
            "period": "year",
            "title": {"tr": "T"},
            "intro": {"tr": "I"},
            "closing": {"tr": "C"},
            "score": {"question": "q"},
            "questions": [{"id": "q", "type": "likert5", "label": {"tr": "?"}}],
        }
    )
    assert scored.score is not None and scored.score.satisfied == (4, 5)
    state, _ = start(scored)
    _, events = resume(scored, state, Choose(overall))
    assert events == (Completed(answers={"q": int(overall)}, satisfied=satisfied, score=int(overall)),)


def test_an_active_state_without_a_current_question_is_refused_as_malformed() -> None:
    broken = SessionState.from_json({**start(DEFN).state.to_json(), "current": None})
    with pytest.raises(EngineError, match="^malformed session state: active without a current question$"):
        resume(DEFN, broken, Next())
    with pytest.raises(EngineError, match="^survey 'all_types' version 3 has no question 'gone'$"):
        question(DEFN, "gone")


def test_a_completed_state_keeps_no_ticks_of_the_last_question() -> None:
    ticked = parse_definition(
        {
            "id": "ticks", "version": 1, "anonymity": "pseudonymous", "period": "year",
            "title": {"tr": "T"}, "intro": {"tr": "I"}, "closing": {"tr": "C"},
            "questions": [{"id": "m", "type": "multiple", "label": {"tr": "?"}, "options": [
                {"value": "a", "label": {"tr": "A"}}, {"value": "b", "label": {"tr": "B"}}]}],
        }
    )
    state, _ = start(ticked)
    state, _ = resume(ticked, state, Toggle("b"))
    done, events = resume(ticked, state, Submit())
    assert events == (Completed(answers={"m": ["b"]}, satisfied=None, score=None),)
    assert (done.status, done.current, done.pending) == ("completed", None, [])
