"""The definition format: every broken file is refused with an error naming file, question and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import get_args

import pytest
import yaml

from surveys.definition import (
    Question,
    SurveyDefinitionError,
    content_hash,
    load_definition,
    load_shipped,
    missing_translations,
    parse_definition,
    shipped_paths,
    validate_files,
)
from surveys.definition_problems import QUESTION_TYPES
from surveys.labels import Labels, label

ALL_TYPES = Path(__file__).parent / "all_types.yaml"

BASE = {
    "id": "trial",
    "version": 1,
    "indicator": "4.2.9",
    "anonymity": "pseudonymous",
    "period": "month",
    "title": {"tr": "Deneme", "en": "Trial", "ar": "تجربة"},
    "intro": {"tr": "Giriş"},
    "closing": {"tr": "Son"},
    "score": {"question": "q1", "satisfied": [4, 5]},
    "questions": [
        {"id": "q1", "type": "likert5", "label": {"tr": "Memnun musunuz?"}},
        {"id": "q2", "type": "yes_no", "label": {"tr": "Tekrar gelir misiniz?"}},
        {
            "id": "q3",
            "type": "single",
            "label": {"tr": "Seçin"},
            "options": [{"value": "a", "label": {"tr": "A"}}, {"value": "b", "label": {"tr": "B"}}],
        },
        {"id": "age", "type": "number", "min": 0, "max": 120, "label": {"tr": "Yaş"}},
    ],
}


def broken(**changes: object) -> dict:
    """BASE with top-level changes; a value of None removes the key."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def with_question(index: int, **changes: object) -> dict:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data["questions"][index].pop(key, None)
        else:
            data["questions"][index][key] = value
    return data


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = [
    pytest.param("id: [unclosed\n", ["invalid YAML", "(line 2, column 1)"], id="bad-yaml"),
    pytest.param("id: a\nid: b\n", ["invalid YAML", "the key 'id' appears twice"], id="duplicate-yaml-key"),
    pytest.param("- just\n- a list\n", ["must hold survey fields"], id="not-a-mapping"),
    pytest.param(
        with_question(1, type="slider"),
        ["question 'q2': field 'type': unknown question type 'slider'"],
        id="unknown-type",
    ),
    pytest.param(
        with_question(1, id="q1"),
        ["question 'q1': field 'id': duplicate id; question #1 already uses it"],
        id="duplicate-question-id",
    ),
    pytest.param(
        with_question(1, relevant="${q3} == 'a'"),
        ["question 'q2': field 'relevant': refers to 'q3', which comes later"],
        id="relevant-later-question",
    ),
    pytest.param(
        with_question(1, relevant="${q2} == 'yes'"),
        ["question 'q2': field 'relevant': refers to this question itself"],
        id="relevant-itself",
    ),
    pytest.param(
        with_question(1, relevant="${nowhere} == 1"),
        ["question 'q2': field 'relevant': refers to unknown question 'nowhere'"],
        id="relevant-unknown-question",
    ),
    pytest.param(
        with_question(1, relevant="${q1} >="),
        ["question 'q2': field 'relevant': is not a valid expression"],
        id="relevant-syntax",
    ),
    pytest.param(
        with_question(1, relevant="__import__('os').system('x') == 0"),
        ["question 'q2': field 'relevant': only answers, text in quotes, numbers"],
        id="relevant-call",
    ),
    pytest.param(
        with_question(3, relevant="${q3} == 'z'"),
        ["question 'age': field 'relevant': 'z' is not an option of 'q3' (options: a, b)"],
        id="relevant-not-an-option",
    ),
    pytest.param(
        with_question(3, relevant="${q1} == 'high'"),
        ["question 'age': field 'relevant': compares 'q1' with 'high', but its answers are the numbers 1 to 5"],
        id="relevant-likert-with-text",
    ),
    pytest.param(
        broken(score={"question": "q2"}),
        ["field 'score': question 'q2' is 'yes_no'; the score needs a likert5 question"],
        id="score-not-likert",
    ),
    pytest.param(
        broken(score={"question": "gone"}),
        ["field 'score': refers to unknown question 'gone'"],
        id="score-unknown-question",
    ),
    pytest.param(
        broken(score=None),
        ["field 'score': is required: the survey feeds indicator 4.2.9"],
        id="indicator-without-score",
    ),
    pytest.param(
        with_question(0, label={"en": "Satisfied?"}),
        ["question 'q1': field 'label': 'tr': is required"],
        id="missing-tr-label",
    ),
    pytest.param(
        with_question(0, label={"tr": "Memnun?", "de": "Zufrieden?"}),
        ["question 'q1': field 'label': 'de' is not allowed here"],
        id="unknown-language",
    ),
    pytest.param(
        with_question(0, colour="red"),
        ["question 'q1': field 'colour': is not a known field"],
        id="unknown-question-field",
    ),
    pytest.param(
        broken(sensitive=True),
        ["field 'sensitive': a sensitive survey must have anonymity: anonymous"],
        id="sensitive-not-anonymous",
    ),
    pytest.param(
        broken(sensitive=True, anonymity="anonymous", link="anket", title={"tr": "Şiddet anketi"}),
        ["field 'title': a sensitive survey needs a neutral title; remove: şiddet"],
        id="sensitive-revealing-title",
    ),
    pytest.param(
        broken(sensitive=True, anonymity="anonymous"),
        ["field 'link': a sensitive survey needs a neutral link code, so its posters and links do not show its id"],
        id="sensitive-without-link-code",
    ),
    pytest.param(
        broken(sensitive=True, anonymity="anonymous", link="kadinanket"),
        ["field 'link': a sensitive survey's link code must be neutral; remove: kadin"],
        id="sensitive-revealing-link-code",
    ),
    pytest.param(
        broken(faces=True, sensitive=True, anonymity="anonymous", link="anket"),
        ["field 'faces': a sensitive survey keeps its scales in words only; remove faces"],
        id="faces-on-a-sensitive-survey",
    ),
    pytest.param(
        broken(faces=True, score=None, indicator=None, questions=BASE["questions"][1:]),
        ["field 'faces': the survey has no likert5 question to show faces beside"],
        id="faces-without-a-rating-question",
    ),
    pytest.param(
        broken(faces="yes"),
        ["field 'faces':"],
        id="faces-not-true-or-false",
    ),
    pytest.param(
        broken(link="Kadin_Anket"),
        ["field 'link': 'Kadin_Anket' must be 2 to 20 lowercase letters or digits"],
        id="link-code-shape",
    ),
    pytest.param(
        with_question(2, options=[{"value": "a", "label": {"tr": "A"}}, {"value": "a", "label": {"tr": "B"}}]),
        ["question 'q3': field 'options': option values must be unique; repeated: a"],
        id="duplicate-option-values",
    ),
    pytest.param(
        with_question(2, options=[{"value": "a", "label": {"tr": "A"}}]),
        ["question 'q3': field 'options': needs at least 2 items"],
        id="single-option",
    ),
    pytest.param(
        with_question(2, options=[{"value": True, "label": {"tr": "Evet"}}, {"value": "b", "label": {"tr": "B"}}]),
        ["question 'q3': field 'options': item 1 'value': must be text (put it in quotes"],
        id="yaml-boolean-option-value",
    ),
    pytest.param(
        with_question(3, min=200),
        ["question 'age': field 'min': is greater than max"],
        id="number-min-above-max",
    ),
    pytest.param(
        with_question(3, min=0.5),
        ["question 'age': field 'min': must be a whole number when integer is true"],
        id="number-fractional-bound",
    ),
    pytest.param(
        with_question(2, type="multiple", min_choices=2, max_choices=1),
        ["question 'q3': field 'min_choices': is greater than max_choices"],
        id="multiple-min-above-max",
    ),
    pytest.param(
        with_question(2, type="multiple", max_choices=3),
        ["question 'q3': field 'max_choices': is more than the 2 options"],
        id="multiple-max-above-options",
    ),
    pytest.param(
        with_question(1, type="text", max_length=5000),
        ["question 'q2': field 'max_length': must be at most 2000"],
        id="text-too-long-limit",
    ),
    pytest.param(
        broken(version=0),
        ["field 'version': must be at least 1"],
        id="version-zero",
    ),
    pytest.param(
        broken(id="Trial Survey"),
        ["field 'id': 'Trial Survey' must be a lowercase code"],
        id="survey-id-not-slug",
    ),
    pytest.param(
        with_question(0, id="Q 1"),
        ["question 'Q 1': field 'id': 'Q 1' must be a lowercase code such as q1"],
        id="question-id-not-slug",
    ),
    pytest.param(
        with_question(2, options=[{"value": "A b", "label": {"tr": "A"}}, {"value": "b", "label": {"tr": "B"}}]),
        ["question 'q3': field 'options': item 1 'value': 'A b' must be a lowercase code"],
        id="option-value-not-slug",
    ),
    pytest.param(
        broken(period="day"),
        ["field 'period': must be one of: 'week', 'month', 'quarter' or 'year'"],
        id="unknown-period",
    ),
    pytest.param(
        broken(role_question="q3"),
        ["field 'role_question': question 'q3' must have the options self and carer, and may add self_helped only"],
        id="role-question-options",
    ),
    pytest.param(
        broken(eligibility={"question": "q2", "closing": {"tr": "Son"}}),
        ["field 'eligibility': question 'q2' must be the first question"],
        id="eligibility-not-first",
    ),
    pytest.param(
        broken(eligibility={"question": "q1", "closing": {"tr": "Son"}}),
        ["field 'eligibility': question 'q1' must be a required yes_no question without a condition"],
        id="eligibility-not-yes-no",
    ),
    pytest.param(
        broken(eligibility={"question": "q9", "closing": {"tr": "Son"}}),
        ["field 'eligibility': refers to unknown question 'q9'"],
        id="eligibility-unknown-question",
    ),
    pytest.param(
        broken(centre_question="q2"),
        ["field 'centre_question': question 'q2' must be a single-choice question"],
        id="centre-question-type",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN)
def test_broken_file_is_refused_naming_file_question_and_field(
    tmp_path: Path, content: object, expected: list[str]
) -> None:
    path = write(tmp_path, "broken.yaml", content)
    with pytest.raises(SurveyDefinitionError) as raised:
        load_definition(path)
    errors = raised.value.errors
    assert all(error.startswith(f"{path}: ") for error in errors), errors
    for fragment in expected:
        assert any(fragment in error for error in errors), (fragment, errors)


def test_every_problem_in_a_file_is_reported_in_one_pass(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["questions"][1]["type"] = "slider"
    data["questions"][2]["id"] = "q1"
    data["questions"][3]["relevant"] = "${later} == 1"
    data["score"] = {"question": "q3x"}
    path = write(tmp_path, "many.yaml", data)

    errors = validate_files([path])[str(path)]

    assert len(errors) == 4, errors
    assert any("question 'q2': field 'type'" in e for e in errors)
    assert any("question 'q1': field 'id': duplicate id" in e for e in errors)
    assert any("question 'age': field 'relevant': refers to unknown question 'later'" in e for e in errors)
    assert any("field 'score': refers to unknown question 'q3x'" in e for e in errors)


def test_validate_files_reports_each_file_separately(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", BASE)
    bad = write(tmp_path, "bad.yaml", with_question(1, type="slider"))
    missing = tmp_path / "missing.yaml"

    results = validate_files([good, bad, missing])

    assert results[str(good)] == []
    assert len(results[str(bad)]) == 1
    assert results[str(missing)] == [f"{missing}: file not found"]


def test_same_id_and_version_in_two_files_is_an_error(tmp_path: Path) -> None:
    first = write(tmp_path, "first.yaml", BASE)
    second = write(tmp_path, "second.yaml", with_question(0, label={"tr": "Başka"}))

    results = validate_files([first, second])

    assert results[str(first)] == []
    assert results[str(second)] == [
        f"{second}: field 'version': survey 'trial' version 1 is already defined in {first}; "
        "a changed definition needs a new version"
    ]


def test_shipped_surveys_are_valid_and_fully_translated() -> None:
    surveys = load_shipped()

    assert set(surveys) == {"women_support", "disability_centre"}
    assert len(shipped_paths()) == 2
    for definition in surveys.values():
        assert missing_translations(definition) == []


def test_shipped_surveys_meet_their_privacy_and_indicator_rules() -> None:
    surveys = load_shipped()
    women, disability = surveys["women_support"], surveys["disability_centre"]

    assert (women.indicator, women.anonymity, women.sensitive, women.period) == ("4.2.5", "anonymous", True, "month")
    assert women.title.tr == "Hizmet değerlendirmesi"
    assert not {"name", "phone", "age", "district"} & {q.id for q in women.questions}
    assert (disability.indicator, disability.anonymity, disability.sensitive) == ("4.2.9", "pseudonymous", False)
    centre = next(q for q in disability.questions if q.id == disability.centre_question)
    assert [o.value for o in centre.options] == ["bornova-engelli", "karsiyaka-engelli", "buca-engelli", "konak-engelli"]
    for definition in surveys.values():
        assert definition.score is not None and definition.score.satisfied == (4, 5)


def test_all_types_fixture_is_valid() -> None:
    assert load_definition(ALL_TYPES).id == "all_types"


def test_content_hash_ignores_layout_and_spelled_out_defaults(tmp_path: Path) -> None:
    plain = write(tmp_path, "plain.yaml", BASE)
    spelled = copy.deepcopy(BASE)
    spelled["sensitive"] = False
    spelled["faces"] = False
    spelled["questions"][0]["required"] = True
    reordered = write(tmp_path, "reordered.yaml", "# comment\n" + yaml.safe_dump(spelled, allow_unicode=True, sort_keys=True))

    assert content_hash(load_definition(plain)) == content_hash(load_definition(reordered))


def test_content_hash_changes_with_any_visible_change() -> None:
    original = parse_definition(BASE)
    relabelled = parse_definition(with_question(0, label={"tr": "Memnun kaldınız mı?"}))
    rescored = parse_definition(broken(score={"question": "q1", "satisfied": [5]}))
    with_faces = parse_definition(broken(faces=True))

    hashes = {content_hash(original), content_hash(relabelled), content_hash(rescored), content_hash(with_faces)}

    assert len(hashes) == 4
    assert all(len(h) == 64 for h in hashes)


def test_parsed_definition_round_trips_through_its_json_dump() -> None:
    for definition in load_shipped().values():
        again = parse_definition(definition.model_dump(mode="json"))
        assert again == definition
        assert content_hash(again) == content_hash(definition)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("tr", "Evet"), ("en", "Yes"), ("ar", "Evet"), ("de", "Evet"), ("", "Evet")],
)
def test_label_falls_back_to_turkish(lang: str, expected: str) -> None:
    assert label(Labels(tr="Evet", en="Yes"), lang) == expected


def test_error_messages_know_every_question_type() -> None:
    tags = {member.model_fields["type"].annotation.__args__[0] for member in get_args(get_args(Question)[0])}
    assert tags == set(QUESTION_TYPES)
