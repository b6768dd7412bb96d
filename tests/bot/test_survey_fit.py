"""A survey that does not fit the plan, the centres file or the other deep links is refused by
`kentbot survey validate` and by start-up: one line per problem naming the file, the field and
its line, exit code 2, and the bot never starts."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from reports.plan import DEFAULT_PATH as PLAN_PATH
from storage.centres import DEFAULT_PATH as CENTRES_PATH
from surveys.definition import SHIPPED_DIR
from tests.bot.test_operator_errors import kentbot

TRIAL = {
    "id": "trial", "version": 1, "anonymity": "pseudonymous", "period": "month",
    "title": {"tr": "Deneme", "en": "Trial", "ar": "تجربة"}, "intro": {"tr": "Giriş", "en": "Intro", "ar": "مقدمة"},
    "closing": {"tr": "Son", "en": "End", "ar": "نهاية"},
    "questions": [{"id": "q1", "type": "likert5", "label": {"tr": "Memnun musunuz?", "en": "Satisfied?", "ar": "راض؟"}}],
}


def survey_file(folder: Path, name: str, **changes: object) -> Path:
    """TRIAL with top-level changes, written with one key a line so the fields' lines are known."""
    data = copy.deepcopy(TRIAL)
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, key: str) -> int:
    return next(number for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith(f"{key}:"))


def validate(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    result = kentbot(["survey", "validate", *args], env or {}, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout.splitlines()


def test_a_survey_feeding_an_indicator_the_plan_does_not_give_it_is_refused(tmp_path: Path) -> None:
    unknown = survey_file(tmp_path, "unknown.yaml", indicator="4.2.99", score={"question": "q1"})
    events = survey_file(tmp_path, "events.yaml", id="events_trial", indicator="4.2.2", score={"question": "q1"})
    taken = survey_file(tmp_path, "taken.yaml", id="taken_trial", indicator="4.2.9", score={"question": "q1"})
    code, lines = validate(tmp_path, str(unknown), str(events), str(taken))
    assert code == 2
    plan = str(PLAN_PATH)
    assert lines == [
        f"{unknown}: line {line_of(unknown, 'indicator')}: field 'indicator': '4.2.99' is not an indicator of the plan "
        f"({plan}); survey indicators: 4.2.5, 4.2.9",
        f"{events}: line {line_of(events, 'indicator')}: field 'indicator': the plan ({plan}) measures indicator 4.2.2 "
        "from events, not by a survey",
        f"{taken}: line {line_of(taken, 'indicator')}: field 'indicator': the plan ({plan}) measures indicator 4.2.9 "
        "with survey 'disability_centre', not 'taken_trial'",
    ]


def test_a_link_code_that_leads_elsewhere_or_breaks_a_link_is_refused(tmp_path: Path) -> None:
    membership = survey_file(tmp_path, "membership.yaml", id="member_trial", link="uye")
    invite = survey_file(tmp_path, "invite.yaml", id="inv_trial")
    separator = survey_file(tmp_path, "separator.yaml", id="two__parts")
    shipped = survey_file(tmp_path, "shipped.yaml", id="shipped_trial", link="degerlendirme")
    shape = survey_file(tmp_path, "shape.yaml", id="shape_trial", link="Anket_1")
    paths = [membership, invite, separator, shipped, shape]
    code, lines = validate(tmp_path, *map(str, paths))
    assert code == 2
    assert f"{membership}: line {line_of(membership, 'link')}: field 'link': the code 'uye' is the membership link of the Alzheimer centres; choose another" in lines
    assert f"{invite}: line 1: field 'id': the code 'inv_trial' starts with 'inv_', which the links of staff invitations use; choose another" in lines
    assert f"{separator}: line 1: field 'id': the code 'two__parts' contains '__', which separates the centre in a link; choose another" in lines
    assert (
        f"{shipped}: line {line_of(shipped, 'link')}: field 'link': the code 'degerlendirme' already leads to survey "
        f"'women_support' in {SHIPPED_DIR / 'women_support.yaml'}; choose another"
    ) in lines
    assert any(line.startswith(f"{shape}: field 'link': 'Anket_1' must be 2 to 20 lowercase letters or digits") for line in lines), lines
    assert not any(": OK" in line for line in lines), lines


def centres_file(tmp_path: Path, rename: dict[str, str], close: set[str] = frozenset()) -> Path:  # type: ignore[assignment]
    data = yaml.safe_load(CENTRES_PATH.read_text(encoding="utf-8"))
    for centre in data["centres"]:
        if centre["id"] in close:
            centre["status"] = "under_construction"
        centre["id"] = rename.get(centre["id"], centre["id"])
    path = tmp_path / "centres.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_survey_and_centres_must_make_links_telegram_accepts_and_a_real_choice(tmp_path: Path) -> None:
    long_id = "bornova-engelli-hizmet-merkezi-ek-bina"
    centres = centres_file(tmp_path, {"bornova-engelli": long_id})
    question = {"id": "centre", "type": "single", "label": {"tr": "Merkez?", "en": "Centre?", "ar": "مركز؟"}, "centres": "disability_centre"}
    survey = survey_file(tmp_path, "long.yaml", id="engelli_merkezi_memnuniyet_anketi", centre_question="centre", questions=[question, *TRIAL["questions"]])
    code, lines = validate(tmp_path, str(survey), "--centres", str(centres))
    assert code == 2
    assert lines == [
        f"{survey}: line 1: field 'id': the link to centre '{long_id}' would be "
        f"{len('engelli_merkezi_memnuniyet_anketi__' + long_id)} characters; Telegram allows 64: give the survey a shorter link code"
    ]
    disability = SHIPPED_DIR / "disability_centre.yaml"
    closed = centres_file(tmp_path, {}, close={"bornova-engelli", "karsiyaka-engelli", "buca-engelli"})
    code, lines = validate(tmp_path, "--centres", str(closed))
    assert code == 2
    assert lines[0] == (
        f"{disability}: question 'centre': field 'centres': the centres file lists 1 open centre(s) of type "
        "'disability_centre'; a question needs at least 2 to choose from: add them to the centres file or drop the question"
    )


def test_the_plan_must_name_surveys_that_exist_and_be_valid(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_PATH.read_text(encoding="utf-8").replace("survey: disability_centre", "survey: other_survey"), encoding="utf-8")
    code, lines = validate(tmp_path, "--plan", str(plan))
    disability = SHIPPED_DIR / "disability_centre.yaml"
    plan_line = next(n for n, text in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1) if "survey: other_survey" in text)
    assert code == 2
    assert lines[:2] == [
        f"{disability}: line {line_of(disability, 'indicator')}: field 'indicator': the plan ({plan}) measures indicator "
        "4.2.9 with survey 'other_survey', not 'disability_centre'",
        f"{plan}: line {plan_line}: indicator '4.2.9': field 'survey': no survey 'other_survey' among the surveys in use",
    ]
    broken = tmp_path / "broken.yaml"
    broken.write_text(PLAN_PATH.read_text(encoding="utf-8").replace("weight: 15", "weight: 16", 1), encoding="utf-8")
    code, lines = validate(tmp_path, "--plan", str(broken))
    assert (code, lines) == (2, [f"{broken}: weights add up to 101, not 100"])


def test_the_surveys_in_use_pass(tmp_path: Path) -> None:
    code, lines = validate(tmp_path)
    assert code == 0
    assert [line.split(": OK")[0] for line in lines] == [str(SHIPPED_DIR / "disability_centre.yaml"), str(SHIPPED_DIR / "women_support.yaml")]


def test_validate_says_ok_per_good_file_warns_of_missing_translations_and_lists_every_error(tmp_path: Path) -> None:
    good = survey_file(tmp_path, "good.yaml", intro={"tr": "Giriş"})
    bad = survey_file(tmp_path, "bad.yaml", id="bad_trial", period="day")
    code, lines = validate(tmp_path, str(good), str(bad))
    assert code == 2
    assert lines[0] == f"{bad}: field 'period': must be one of: 'week', 'month', 'quarter' or 'year'"
    assert lines[1].startswith(f"{good}: OK - survey 'trial' version 1, 1 questions, hash ")
    assert lines[2:] == [f"{good}: warning: field 'intro': no en or ar text"]
    assert validate(tmp_path, str(good))[0] == 0


def test_the_bot_does_not_start_with_a_survey_that_does_not_fit(tmp_path: Path) -> None:
    folder = tmp_path / "surveys"
    shutil.copytree(SHIPPED_DIR, folder)
    wrong = survey_file(folder, "trial.yaml", indicator="4.2.99", score={"question": "q1"}, link="uye")
    env = {"KENTBOT_SURVEYS_DIR": str(folder), "TELEGRAM_BOT_TOKEN": "123:fit", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    result = kentbot(["run"], env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"kentbot: {wrong}: line {line_of(wrong, 'indicator')}: field 'indicator': '4.2.99' is not an indicator of the plan "
        f"({PLAN_PATH}); survey indicators: 4.2.5, 4.2.9",
        f"kentbot: {wrong}: line {line_of(wrong, 'link')}: field 'link': the code 'uye' is the membership link of the "
        "Alzheimer centres; choose another",
    ]
    assert not (tmp_path / "data" / "kentbot.sqlite3").exists()
    code, lines = validate(tmp_path, env={"KENTBOT_SURVEYS_DIR": str(folder)})
    assert code == 2 and len([line for line in lines if line.startswith(f"{wrong}: line")]) == 2, lines
