"""Golden walks through the shipped surveys, start to finish, as a citizen would take them."""

from __future__ import annotations

import json

import pytest

from surveys.definition import load_shipped
from surveys.engine import (
    Ask,
    Back,
    Choose,
    Completed,
    Rejected,
    SessionState,
    Skip,
    Submit,
    Text,
    Toggle,
    progress,
    resume,
    start,
)

SURVEYS = load_shipped()


def walk(name: str, inputs: list[object], prefill: dict | None = None) -> tuple[list[str], list[object]]:
    """Run the inputs, storing the state as JSON between steps like the bot does.

    Returns the questions asked, in order, and every event.
    """
    defn = SURVEYS[name]
    state, events = start(defn, prefill)
    stored = json.dumps(state.to_json())
    log = list(events)
    for item in inputs:
        state, events = resume(defn, SessionState.from_json(json.loads(stored)), item)
        stored = json.dumps(state.to_json())
        log += events
    return [e.question_id for e in log if isinstance(e, Ask)], log


def test_disability_centre_carer_with_prefilled_centre_back_and_skipped_comment() -> None:
    asked, log = walk(
        "disability_centre",
        [
            Choose("carer"),
            Toggle("physiotherapy"), Toggle("transport"), Submit(),
            Choose("yes"),
            Choose("2"),           # staff
            Back(),                # staff again: the earlier 2 is still shown
            Choose("4"),
            Choose("3"),           # getting there
            Choose("na"),          # moving inside: does not apply
            Choose("2"),           # toilets
            Choose("5"),           # activities
            Choose("4"),           # overall
            Skip(),                # comment
        ],
        prefill={"centre": "karsiyaka-engelli"},
    )

    assert asked == [
        "role", "services", "services", "services", "carer_informed", "staff",
        "getting_there", "staff", "getting_there", "moving_inside", "toilets", "activities", "overall", "comment",
    ]
    assert log[-1] == Completed(
        answers={
            "role": "carer",
            "centre": "karsiyaka-engelli",
            "services": ["physiotherapy", "transport"],
            "carer_informed": "yes",
            "staff": 4,
            "getting_there": 3,
            "moving_inside": "na",
            "toilets": 2,
            "activities": 5,
            "overall": 4,
        },
        satisfied=True,
        score=4,
    )


def test_disability_centre_self_answering_chooses_the_centre_and_writes_a_comment() -> None:
    asked, log = walk(
        "disability_centre",
        [
            Choose("self"),
            Choose("buca-engelli"),
            Submit(),                          # nothing ticked yet
            Toggle("sports"), Submit(),
            Choose("3"), Choose("2"), Choose("2"), Choose("4"), Choose("3"), Choose("2"),
            Text("  Rampa çok dik.  "),
        ],
    )

    assert "carer_informed" not in asked
    assert Rejected("services", "too_few_choices", {"min_choices": 1}) in log
    assert log[-1] == Completed(
        answers={
            "role": "self",
            "centre": "buca-engelli",
            "services": ["sports"],
            "staff": 3,
            "getting_there": 2,
            "moving_inside": 2,
            "toilets": 4,
            "activities": 3,
            "overall": 2,
            "comment": "Rampa çok dik.",
        },
        satisfied=False,
        score=2,
    )


def test_disability_centre_changing_role_to_self_drops_the_carer_answer() -> None:
    _, log = walk(
        "disability_centre",
        [
            Choose("carer"), Choose("konak-engelli"), Toggle("social"), Submit(), Choose("no"),
            Back(), Back(), Back(), Back(),           # staff -> carer_informed -> services -> centre -> role
            Choose("self"),                           # now answering for oneself
            Choose("konak-engelli"), Submit(),        # earlier ticks are kept
            Choose("5"), Choose("5"), Choose("5"), Choose("5"), Choose("5"), Choose("5"), Skip(),
        ],
    )

    completed = log[-1]
    assert isinstance(completed, Completed)
    assert "carer_informed" not in completed.answers
    assert completed.answers["role"] == "self"
    assert completed.answers["services"] == ["social"]
    assert (completed.satisfied, completed.score) == (True, 5)


def test_women_support_with_a_referral() -> None:
    asked, log = walk(
        "women_support",
        [
            Choose("yes"),    # used the services
            Toggle("legal"), Toggle("referral"), Submit(),
            Choose("yes"),    # referral in time
            Choose("4"),      # ease of access
            Choose("5"),      # felt safe
            Choose("4"),      # treated with respect
            Choose("5"),      # overall
            Skip(),           # comment
        ],
    )

    assert asked == [
        "used_services", "support_types", "support_types", "support_types", "referral_timely",
        "ease_of_access", "felt_safe", "treated_with_respect", "overall", "comment",
    ]
    assert log[-1] == Completed(
        answers={
            "used_services": "yes",
            "support_types": ["legal", "referral"],
            "referral_timely": "yes",
            "ease_of_access": 4,
            "felt_safe": 5,
            "treated_with_respect": 4,
            "overall": 5,
        },
        satisfied=True,
        score=5,
    )


def test_women_support_a_shelter_stay_is_not_asked_about_referral_timeliness() -> None:
    asked, log = walk(
        "women_support",
        [Choose("yes"), Toggle("shelter"), Submit(), Choose("4"), Skip(), Skip(), Choose("4"), Skip()],
    )

    assert "referral_timely" not in asked
    assert log[-1] == Completed(
        answers={"used_services": "yes", "support_types": ["shelter"], "ease_of_access": 4, "overall": 4},
        satisfied=True,
        score=4,
    )


def test_women_support_without_referral_going_back_and_commenting() -> None:
    asked, log = walk(
        "women_support",
        [
            Choose("yes"),
            Toggle("counselling"), Submit(),
            Choose("2"),
            Back(),
            Back(),                   # the ticks are shown again
            Toggle("psychological"), Submit(),
            Choose("3"), Choose("4"), Choose("5"), Choose("3"),
            Text("x" * 501),          # too long: refused, nothing cut
            Text("Daha sık görüşme olsun."),
        ],
    )

    assert "referral_timely" not in asked
    assert Rejected("comment", "too_long", {"max_length": 500, "length": 501}) in log
    assert log[-1] == Completed(
        answers={
            "used_services": "yes",
            "support_types": ["counselling", "psychological"],
            "ease_of_access": 3,
            "felt_safe": 4,
            "treated_with_respect": 5,
            "overall": 3,
            "comment": "Daha sık görüşme olsun.",
        },
        satisfied=False,
        score=3,
    )


def test_women_support_ends_at_once_for_someone_who_did_not_use_the_services() -> None:
    """The eligibility question comes first; "no" completes the survey with nothing kept and
    no score, so the answer cannot count in 4.2.5."""
    asked, log = walk("women_support", [Choose("no")])

    assert asked == ["used_services"]
    assert log[-1] == Completed(answers={}, satisfied=None, score=None, eligible=False)


def test_women_support_every_question_but_eligibility_may_be_skipped() -> None:
    asked, log = walk("women_support", [Skip(), Choose("yes"), Skip(), Skip(), Skip(), Skip(), Skip(), Skip()])

    assert log[1] == Rejected("used_services", "required")
    assert asked[-1] == "comment"
    assert log[-1] == Completed(answers={"used_services": "yes"}, satisfied=None, score=None)


@pytest.mark.parametrize(("name", "total"), [("women_support", 7), ("disability_centre", 10)])
def test_progress_at_the_start_of_each_shipped_survey(name: str, total: int) -> None:
    defn = SURVEYS[name]
    assert progress(defn, start(defn).state) == (1, total)
