"""Survey questions that list centres take them from the centres file when the survey is
loaded, so a centre reads the same in every survey, button and message, in every language."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.commands.survey_validate import validate
from storage.centres import Centre, load_centres
from surveys.definition import (
    SingleQuestion,
    SurveyDefinitionError,
    load_definition,
    load_shipped,
    parse_definition,
    shipped_paths,
)

BASE = {
    "id": "trial", "version": 1, "indicator": "4.2.9", "anonymity": "pseudonymous", "period": "month",
    "title": {"tr": "Deneme"}, "intro": {"tr": "Giriş"}, "closing": {"tr": "Son"},
    "score": {"question": "q1", "satisfied": [4, 5]}, "centre_question": "centre",
    "questions": [
        {"id": "centre", "type": "single", "label": {"tr": "Hangi merkez?"}, "centres": "masal_evi"},
        {"id": "q1", "type": "likert5", "label": {"tr": "Memnun musunuz?"}},
    ],
}


def _centre(centre_id: str, kind: str, status: str = "open") -> Centre:
    return Centre(centre_id, kind, f"{centre_id} tr", f"{centre_id} en", f"{centre_id} ar", "Konak", status)


def _with_centre_question(**changes: object) -> dict:
    data = copy.deepcopy(BASE)
    data["questions"][0].update(changes)
    return data


def test_shipped_centre_questions_offer_exactly_the_centres_file() -> None:
    centres = load_centres()
    checked = 0
    for survey in load_shipped().values():
        if survey.centre_question is None:
            continue
        question = next(q for q in survey.questions if q.id == survey.centre_question)
        assert isinstance(question, SingleQuestion)
        offered = [(o.value, o.label.tr, o.label.en, o.label.ar) for o in question.options]
        kind = next(c.type for c in centres if c.id == offered[0][0])
        expected = [(c.id, c.name_tr, c.name_en, c.name_ar) for c in centres if c.type == kind and c.status == "open"]
        assert offered == expected
        checked += 1
    assert checked >= 1


def test_shipped_survey_files_copy_no_centre() -> None:
    """The files declare the centre type; no centre id or name is written in them."""
    centres = load_centres()
    ids = {c.id for c in centres}
    names = {name for c in centres for name in (c.name_tr, c.name_en, c.name_ar)}
    for path in shipped_paths():
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        values = {o["value"] for q in raw["questions"] for o in q.get("options", [])}
        assert values & ids == set(), path.name
        assert [name for name in names if name in text] == [], path.name
        if raw.get("centre_question"):
            question = next(q for q in raw["questions"] if q["id"] == raw["centre_question"])
            assert question["centres"] in {c.type for c in centres}, path.name


def test_options_are_the_open_centres_of_the_type_in_three_languages() -> None:
    centres = [_centre("a", "masal_evi"), _centre("b", "women_centre"), _centre("c", "masal_evi", "under_construction"), _centre("d", "masal_evi")]
    definition = parse_definition(BASE, centres=centres)
    options = definition.questions[0].options  # type: ignore[union-attr]
    assert [(o.value, o.label.tr, o.label.en, o.label.ar) for o in options] == [
        ("a", "a tr", "a en", "a ar"), ("d", "d tr", "d en", "d ar"),
    ]


def test_a_multiple_choice_question_can_list_centres() -> None:
    data = copy.deepcopy(BASE)
    data["questions"].append({"id": "visited", "type": "multiple", "label": {"tr": "Hangileri?"}, "centres": "disability_centre"})
    definition = parse_definition(data)
    visited = definition.questions[2]
    assert [o.value for o in visited.options] == [c.id for c in load_centres() if c.type == "disability_centre"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"centres": "hospital"},
            "question 'centre': field 'centres': unknown centre type 'hospital' (use one of: youth_centre, "
            "children_youth_centre, masal_evi, women_centre, disability_centre, healthy_ageing_centre, alzheimer_centre)",
        ),
        (
            {"options": [{"value": "x", "label": {"tr": "X"}}, {"value": "y", "label": {"tr": "Y"}}]},
            "question 'centre': field 'centres': give either 'centres' or 'options', not both",
        ),
    ],
)
def test_a_wrong_centre_list_is_refused_naming_question_and_field(changes: dict, message: str) -> None:
    with pytest.raises(SurveyDefinitionError) as raised:
        parse_definition(_with_centre_question(**changes), "trial.yaml")
    assert raised.value.errors == [f"trial.yaml: {message}"]


def test_a_survey_file_may_not_copy_centres_into_its_centre_question(tmp_path: Path) -> None:
    data = _with_centre_question(options=[{"value": "x", "label": {"tr": "X"}}, {"value": "y", "label": {"tr": "Y"}}])
    data["questions"][0].pop("centres")
    path = tmp_path / "trial.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyDefinitionError) as raised:
        load_definition(path)
    assert raised.value.errors == [
        f"{path}: field 'centre_question': question 'centre' must list its options with 'centres: <centre type>', "
        "so they follow the centres file"
    ]
    assert parse_definition(data).questions[0].options[0].value == "x"  # a stored definition's JSON still loads


def test_survey_validate_names_an_unknown_centre_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "trial.yaml"
    path.write_text(yaml.safe_dump(_with_centre_question(centres="hospital"), allow_unicode=True), encoding="utf-8")
    assert validate([str(path)]) == 2
    assert f"{path}: question 'centre': field 'centres': unknown centre type 'hospital'" in capsys.readouterr().out


async def test_an_arabic_reader_sees_arabic_centre_names(inprocess_bot) -> None:
    """The survey's centre buttons and the membership screen name centres in Arabic."""
    user = 4701
    await inprocess_bot.feed(inprocess_bot.message_update(user, "/start"))
    await inprocess_bot.feed(inprocess_bot.callback_update(user, "l:ar", inprocess_bot.last_live(user)["message_id"]))
    consent = inprocess_bot.last_live(user)
    agree = next(b["callback_data"] for row in consent["reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].startswith("c:yes"))
    await inprocess_bot.feed(inprocess_bot.callback_update(user, agree, consent["message_id"]))
    await inprocess_bot.feed(inprocess_bot.callback_update(user, "s:disability_centre", inprocess_bot.last_live(user)["message_id"]))
    await inprocess_bot.feed(inprocess_bot.callback_update(user, "a:carer", inprocess_bot.last_live(user)["message_id"]))
    buttons = [b["text"] for row in inprocess_bot.last_live(user)["reply_markup"]["inline_keyboard"] for b in row]
    disability = [c.name_ar for c in load_centres() if c.type == "disability_centre"]
    assert buttons[: len(disability)] == disability

    await inprocess_bot.feed(inprocess_bot.message_update(user, "/cancel"))
    await inprocess_bot.feed(inprocess_bot.message_update(user, "/member"))
    # Membership has its own consent, asked the first time.
    consent = inprocess_bot.last_live(user)
    agree = next(b["callback_data"] for row in consent["reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].startswith("c:yes"))
    await inprocess_bot.feed(inprocess_bot.callback_update(user, agree, consent["message_id"]))
    alzheimer = next(c for c in load_centres() if c.type == "alzheimer_centre")
    assert inprocess_bot.texts(user)[-1] == f"طلب عضوية في {alzheimer.name_ar}. لمن تقدّمون الطلب؟"


async def test_a_new_staff_member_is_welcomed_with_the_names_of_their_centres(inprocess_bot) -> None:
    from services import invites

    services = inprocess_bot.services
    async with services.sessions.begin() as session:
        made = await invites.create(session, role="staff", centre_id="konak-kadin", hours=72, actor="cli:test", now=services.clock())
    user = 4702
    await inprocess_bot.feed(inprocess_bot.message_update(user, f"/start inv_{made.code}", language_code="ar"))
    welcome = next(text for text in inprocess_bot.texts(user) if text.startswith("أهلًا بكم"))
    assert "مراكزكم: مركز الإرشاد والتعليم للمرأة في كوناك." in welcome
