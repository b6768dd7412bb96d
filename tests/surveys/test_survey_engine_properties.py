"""Properties of the engine under any sequence of inputs a person (or a bug) could send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.definition import SurveyDefinition, load_definition, load_shipped
from surveys.engine import (
    Back,
    Choose,
    Completed,
    Next,
    Rejected,
    SessionState,
    Skip,
    Submit,
    Text,
    Toggle,
    choices,
    is_relevant,
    progress,
    question,
    resume,
    start,
)

DEFINITIONS = {
    "all_types": load_definition(Path(__file__).parent / "all_types.yaml"),
    **load_shipped(),
}
ANSWERING = (Text, Choose, Submit, Skip, Next)
PREFILLS = {"all_types": {"role": "self"}, "disability_centre": {"centre": "konak-engelli"}, "women_support": {}}


def values_of(defn: SurveyDefinition) -> list[str]:
    """Button values the survey knows, plus near misses, so runs reach deep into the survey."""
    known = {"1", "2", "3", "4", "5", "yes", "no"}
    for q in defn.questions:
        known.update(option.value for option in getattr(q, "options", ()))
    return sorted(known) + ["", "6", "0", "YES", "carer ", "zz"]


def inputs(defn: SurveyDefinition) -> st.SearchStrategy[object]:
    values = st.sampled_from(values_of(defn))
    texts = st.one_of(
        st.text(max_size=30),
        st.sampled_from(["3", " 42 ", "3,5", "٣", "-1", "1e9", "121", "x" * 600, "9" * 5000, "\x00", "\ud800"]),
        st.builds(lambda char, n: char * n, st.sampled_from("aç٣ 🌷"), st.integers(1990, 2010)),
    )
    return st.one_of(
        st.builds(Text, texts),
        st.builds(Choose, values),
        st.builds(Toggle, values),
        st.just(Submit()),
        st.just(Next()),
        st.just(Back()),
        st.just(Skip()),
    )


def sensible_inputs(defn: SurveyDefinition, state: SessionState) -> list[object]:
    """Inputs a person might reasonably give to the current question, Back included.

    The first one always moves forward, so the simplest example hypothesis tries finishes.
    """
    current = question(defn, state.current)
    kind = current.type
    if kind == "note":
        return [Next(), Back()]
    if kind == "multiple":
        ready = [Submit()] if len(state.pending) >= current.min_choices else []
        unticked = [Toggle(value) for value, _ in choices(defn, current.id, "tr") if value not in state.pending]
        ticked = [Toggle(value) for value in state.pending]
        return [*ready, *unticked, *ticked, Submit(), Back()] + ([Skip()] if not current.required else [])
    if kind == "number":
        low = current.min if current.min is not None else 0
        typed = [Text(str(int(low))), Text("abc")] if current.integer else [Text(str(low).replace(".", ","))]
    elif kind == "text":
        typed = [Text(" iyi "), Text("")]
    else:
        typed = [Choose(value) for value, _ in choices(defn, current.id, "tr")]
    return [*typed, Back()] + ([Skip()] if not current.required else [])


RANDOM_INPUTS = {name: inputs(defn) for name, defn in DEFINITIONS.items()}


def through_json(state: SessionState) -> SessionState:
    return SessionState.from_json(json.loads(json.dumps(state.to_json())))


def check_invariants(defn: SurveyDefinition, state: SessionState) -> None:
    data = state.to_json()
    assert json.loads(json.dumps(data)) == data
    assert SessionState.from_json(data) == state
    assert through_json(state) == state
    if state.status == "active":
        assert state.current is not None and state.current not in state.prefilled
        question(defn, state.current)
        index, total = progress(defn, state)
        assert 1 <= index <= total
    else:
        assert state.current is None and state.pending == []
    assert not set(state.path) & set(state.prefilled)


def check_no_answer_lost(defn: SurveyDefinition, before: SessionState, item: object, after: SessionState, events: tuple) -> None:
    """An accepted answer stays until its question is answered again or stops applying, or the
    person says they are not whom the survey is for: then nothing is kept."""
    if any(isinstance(event, Completed) and not event.eligible for event in events):
        assert after.answers == {} and after.status == "completed"
        return
    refused = any(isinstance(event, Rejected) for event in events)
    reanswered = before.current if isinstance(item, ANSWERING) and not refused else None
    for qid, value in before.answers.items():
        if qid == reanswered:
            continue
        if qid in after.answers:
            assert after.answers[qid] == value
        else:
            assert after.status == "completed" and not is_relevant(question(defn, qid), after.answers)
    if reanswered is not None and not isinstance(item, (Skip, Next)):
        assert reanswered in after.answers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(DEFINITIONS)), steps=st.integers(0, 60), data=st.data())
def test_any_input_sequence_is_safe_and_survives_serialisation(name: str, steps: int, data: st.DataObject) -> None:
    """Sensible inputs mixed with random ones, so runs reach every question, not only the first."""
    defn = DEFINITIONS[name]
    kept, events_kept = start(defn, data.draw(st.sampled_from([{}, PREFILLS[name]])))
    stored = through_json(kept)
    check_invariants(defn, kept)
    completions = 0
    for _ in range(steps):
        before = kept
        sensible = sensible_inputs(defn, kept) if kept.status == "active" else [Back()]
        random_input = data.draw(st.integers(0, 3)) == 3  # one input in four is anything at all
        item = data.draw(RANDOM_INPUTS[name] if random_input else st.sampled_from(sensible))
        kept, events_kept = resume(defn, kept, item)
        stored, events_stored = resume(defn, stored, item)
        stored = through_json(stored)

        assert events_kept == events_stored
        assert stored == kept
        check_invariants(defn, kept)
        check_no_answer_lost(defn, before, item, kept, events_kept)
        completions += sum(isinstance(event, Completed) for event in events_kept)
        if before.status == "completed":
            assert (kept, events_kept) == (before, (Rejected(None, "already_completed"),))
    assert completions == (1 if kept.status == "completed" else 0)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_completed_survey_reports_only_relevant_answers(name: str, data: st.DataObject) -> None:
    defn = DEFINITIONS[name]
    state, events = start(defn)
    while state.status == "active":
        state, events = resume(defn, state, data.draw(st.sampled_from(sensible_inputs(defn, state))))
    completed = events[-1]
    assert isinstance(completed, Completed)
    assert completed.answers == state.answers
    if not completed.eligible:
        assert defn.eligibility is not None and (completed.answers, completed.score, completed.satisfied) == ({}, None, None)
        return
    for qid in completed.answers:
        assert is_relevant(question(defn, qid), completed.answers)
    for q in defn.questions:
        if q.type != "note" and q.required and is_relevant(q, completed.answers):
            assert q.id in completed.answers
    if defn.score is not None:
        score = completed.answers.get(defn.score.question)
        assert completed.score == score
        assert completed.satisfied == (None if score is None else score in defn.score.satisfied)
