"""The separate explicit consent for health data (KVKK Article 6) inside a survey.

Answering the disability-centre survey as the person who uses the service says that one has a
disability: health data. That answer is not taken (not even into the conversation's state)
until the person gives this consent; declining ends the survey and keeps every other service
and consent as it was."""

from __future__ import annotations

from surveys.definition import SurveyDefinition

# survey id -> (question id, answer value) whose answer is health data about the person.
HEALTH_ANSWERS: dict[str, tuple[str, str]] = {"disability_centre": ("role", "self")}


def is_health_answer(defn: SurveyDefinition, question_id: str | None, value: str) -> bool:
    return HEALTH_ANSWERS.get(defn.id) == (question_id, value)
