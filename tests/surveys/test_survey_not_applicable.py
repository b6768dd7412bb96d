"""A rating question may offer "does not apply to me": the answer is kept as "na" and counts
in no score; the question the score is taken from can never offer it."""

from __future__ import annotations

from typing import Any

import pytest

from surveys.definition import SurveyDefinitionError, parse_definition
from surveys.engine import Choose, Completed, Rejected, choices, resume, start

SURVEY: dict[str, Any] = {
    "id": "trial", "version": 1, "indicator": "4.2.9", "anonymity": "pseudonymous", "period": "month",
    "title": {"tr": "Deneme"}, "intro": {"tr": "Giriş"}, "closing": {"tr": "Son"},
    "score": {"question": "overall", "satisfied": [4, 5]},
    "questions": [
        {"id": "toilets", "type": "likert5", "not_applicable": True, "label": {"tr": "Tuvaletler?"}},
        {"id": "overall", "type": "likert5", "label": {"tr": "Genel olarak?"}},
    ],
}


def test_the_question_offers_a_sixth_button_in_every_language() -> None:
    defn = parse_definition(SURVEY)
    assert [value for value, _ in choices(defn, "toilets", "tr")] == ["1", "2", "3", "4", "5", "na"]
    assert choices(defn, "toilets", "tr")[-1][1] == "Bu soru bana uymuyor"
    assert choices(defn, "toilets", "en")[-1][1] == "Does not apply"
    assert choices(defn, "toilets", "ar")[-1][1] == "لا ينطبق"
    assert "na" not in [value for value, _ in choices(defn, "overall", "tr")]


def test_not_applicable_is_kept_and_scores_nothing() -> None:
    defn = parse_definition(SURVEY)
    step = resume(defn, start(defn).state, Choose("na"))
    step = resume(defn, step.state, Choose("5"))
    completed = [event for event in step.events if isinstance(event, Completed)]
    assert completed and completed[0].answers == {"toilets": "na", "overall": 5}
    assert (completed[0].score, completed[0].satisfied) == (5, True)


def test_a_question_without_it_refuses_na() -> None:
    defn = parse_definition(SURVEY)
    step = resume(defn, start(defn).state, Choose("na"))
    step = resume(defn, step.state, Choose("na"))
    assert step.state.current == "overall"
    assert [event.reason for event in step.events if isinstance(event, Rejected)] == ["not_an_option"]


def test_the_score_question_cannot_offer_it() -> None:
    broken = {**SURVEY, "questions": [SURVEY["questions"][0], {**SURVEY["questions"][1], "not_applicable": True}]}
    with pytest.raises(SurveyDefinitionError) as refused:
        parse_definition(broken, "trial.yaml")
    assert any("'overall' allows 'not applicable'" in problem for problem in refused.value.errors)
