"""The separate explicit consent for health data (KVKK Article 6) inside a survey.

Answering the disability-centre survey as the person who uses the service (alone or with
someone's help) says that one has a disability: health data. That answer is not taken (not even into the conversation's state)
until the person gives this consent; declining ends the survey and keeps every other service
and consent as it was."""

from __future__ import annotations

from surveys.definition import SurveyDefinition

# survey id -> (question id, answer values) whose answer is health data about the person: answering
# as the person who uses the service, alone or with someone's help.
HEALTH_ANSWERS: dict[str, tuple[str, frozenset[str]]] = {"disability_centre": ("role", frozenset({"self", "self_helped"}))}


def is_health_answer(defn: SurveyDefinition, question_id: str | None, value: str) -> bool:
    found = HEALTH_ANSWERS.get(defn.id)
    return found is not None and found[0] == question_id and value in found[1]
