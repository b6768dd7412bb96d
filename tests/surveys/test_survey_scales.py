"""The 5-point scales people answer on: in order in every language, and versioned with the survey."""

from __future__ import annotations

import pytest

from surveys.definition import Likert5Question, content_hash, load_shipped, parse_definition
from surveys.labels import LIKERT5_SCALE, Labels

# Turkish anchors a native speaker reads as a rank, from worst to best. "Çok memnun değilim"
# ("not very satisfied") is milder than "Memnun değilim" and must never be the bottom anchor.
SATISFACTION_TR = ("Hiç memnun değilim", "Memnun değilim", "Ne memnunum ne değilim", "Memnunum", "Çok memnunum")
FREQUENCY_TR = ("Hiçbir zaman", "Nadiren", "Bazen", "Çoğu zaman", "Her zaman")
AGREEMENT_TR = ("Hiç katılmıyorum", "Katılmıyorum", "Ne katılıyorum ne katılmıyorum", "Katılıyorum", "Tamamen katılıyorum")
# The midpoint means "neither … nor" in every language, never "not sure" or "neutral".
MIDPOINTS = {
    "Ne memnunum ne değilim": ("Neither satisfied nor dissatisfied", ("لا رضا ولا عدم رضا",)),
    "Ne katılıyorum ne katılmıyorum": ("Neither agree nor disagree", ("لا أوافق ولا أعارض",)),
    "Ne kolay ne zor": ("Neither easy nor difficult", ("لا سهل ولا صعب",)),
    "Bazen": ("Sometimes", ("أحيانًا",)),
}


def _scales() -> list[tuple[str, tuple[Labels, ...]]]:
    found = []
    for survey in load_shipped().values():
        for question in survey.questions:
            if isinstance(question, Likert5Question):
                found.append((f"{survey.id}.{question.id}", question.scale))
    return found


@pytest.mark.parametrize(("where", "scale"), _scales())
def test_every_shipped_scale_is_in_order(where: str, scale: tuple[Labels, ...]) -> None:
    turkish = tuple(step.tr for step in scale)
    if "memnun" in turkish[-1]:
        assert turkish == SATISFACTION_TR, where
    elif "katıl" in turkish[-1]:
        assert turkish == AGREEMENT_TR, where
    elif "zaman" in turkish[-1]:
        assert turkish == FREQUENCY_TR, where
    assert "Çok memnun değilim" not in turkish, where


@pytest.mark.parametrize(("where", "scale"), _scales())
def test_midpoints_mean_the_same_in_every_language(where: str, scale: tuple[Labels, ...]) -> None:
    middle = scale[2]
    assert middle.tr in MIDPOINTS, where
    english, arabic = MIDPOINTS[middle.tr]
    assert middle.en == english, where
    assert middle.ar in arabic, where


def test_the_built_in_scale_is_part_of_the_survey_version() -> None:
    """A survey using the built-in scale hashes as if it had spelled the scale out, so rewording
    the scale changes the content hash and start-up asks for a new survey version."""
    question = {"id": "q1", "type": "likert5", "label": {"tr": "Memnun musunuz?"}}
    raw = {
        "id": "trial", "version": 1, "indicator": "4.2.9", "anonymity": "pseudonymous", "period": "month",
        "title": {"tr": "Deneme"}, "intro": {"tr": "Giriş"}, "closing": {"tr": "Son"},
        "score": {"question": "q1", "satisfied": [4, 5]}, "questions": [question],
    }
    built_in = [step.model_dump(exclude_none=True) for step in LIKERT5_SCALE]
    spelled_out = {**raw, "questions": [{**question, "scale": built_in}]}
    reworded = {**raw, "questions": [{**question, "scale": [{"tr": "Çok memnun değilim"}, *built_in[1:]]}]}

    assert parse_definition(raw).questions[0].scale == LIKERT5_SCALE
    assert content_hash(parse_definition(raw)) == content_hash(parse_definition(spelled_out))
    assert content_hash(parse_definition(raw)) != content_hash(parse_definition(reworded))
