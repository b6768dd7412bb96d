from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reports.plan import DEFAULT_PATH, PlanError, load_plan

WEIGHTS = {
    "4.2.1": 15, "4.2.2": 7, "4.2.3": 7, "4.2.4": 15, "4.2.5": 6, "4.2.6": 7,
    "4.2.7": 7, "4.2.8": 15, "4.2.9": 7, "4.2.10": 7, "4.2.11": 7,
}


def write_plan(tmp_path: Path, change) -> Path:
    """The real plan file with one change applied, so each test breaks exactly one thing."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def indicator(data: dict, code: str) -> dict:
    return next(entry for entry in data["indicators"] if entry["code"] == code)


def test_plan_has_the_eleven_indicators_with_the_page_weights():
    plan = load_plan()
    assert {i.code: i.weight for i in plan.indicators} == WEIGHTS
    assert plan.target.code == "4.2"
    assert plan.target.goal_code == "04"
    assert plan.target.responsible_unit["tr"] == "Sosyal Hizmetler Dairesi Başkanlığı"


def test_turkish_names_are_the_page_names():
    plan = load_plan()
    assert plan.indicator("4.2.1").name_in("tr") == "Yapımı Tamamlanacak Gençlik Merkezi Sayısı"
    assert plan.indicator("4.2.5").name_in("tr") == (
        "Kadına Yönelik Şiddetle Mücadeleyle İlgili Çalışmalardan Memnuniyet Oranı"
    )
    assert plan.indicator("4.2.11").name_in("tr") == (
        "Alzheimer ve Demans Hastaları ve Aileleri İçin Buluşma ve Danışma Merkezine "
        "Kazandırılan Üye Sayısı"
    )


def test_units_sources_and_links_to_surveys_events_and_milestones():
    plan = load_plan()
    units = {i.code: i.unit for i in plan.indicators}
    assert [c for c, u in units.items() if u == "percent"] == ["4.2.5", "4.2.9"]
    assert [c for c, u in units.items() if u == "persons"] == ["4.2.3", "4.2.8", "4.2.11"]
    assert {i.code: i.survey for i in plan.indicators if i.survey} == {
        "4.2.5": "women_support",
        "4.2.9": "disability_centre",
    }
    assert {i.code: i.event_type for i in plan.indicators if i.event_type} == {
        "4.2.2": "children_youth",
        "4.2.4": "gender_training",
        "4.2.7": "women",
        "4.2.8": "disability_activity",
        "4.2.10": "healthy_ageing_course",
    }
    assert {i.code: i.milestone for i in plan.indicators if i.milestone} == {
        "4.2.1": "youth_centre",
        "4.2.6": "women_centre",
    }
    assert plan.indicator("4.2.11").source == "registrations"
    assert plan.indicator("4.2.3").source == "aid"


def test_2022_values_are_empty_until_the_municipality_sets_them():
    plan = load_plan()
    for i in plan.indicators:
        assert plan.planned(i.code, 2022) is None
        assert plan.baseline(i.code, 2022) is None
    assert plan.planned("4.2.1", 2031) is None


def test_with_values_returns_a_new_plan_and_leaves_the_old_one():
    plan = load_plan()
    updated = plan.with_values("4.2.9", 2024, 85, 70)
    assert (updated.planned("4.2.9", 2024), updated.baseline("4.2.9", 2024)) == (85.0, 70.0)
    assert plan.planned("4.2.9", 2024) is None
    assert updated.planned("4.2.8", 2024) is None


def test_with_values_rejects_a_percentage_above_100_and_unknown_codes():
    plan = load_plan()
    with pytest.raises(PlanError, match=r"indicator '4.2.5': year 2024: field 'planned'"):
        plan.with_values("4.2.5", 2024, 120, None)
    with pytest.raises(KeyError):
        plan.with_values("4.2.12", 2024, 1, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: indicator(d, "4.2.3").update(unit="kg"),
            "plan.yaml: indicator '4.2.3': field 'unit': unknown unit 'kg'",
        ),
        (
            lambda d: indicator(d, "4.2.3").update(source="guess"),
            "plan.yaml: indicator '4.2.3': field 'source': unknown source 'guess'",
        ),
        (
            lambda d: indicator(d, "4.2.4").update(code="4.2.3"),
            "plan.yaml: indicator '4.2.3': duplicate code",
        ),
        (
            lambda d: indicator(d, "4.2.4").update(code="4.3.1"),
            "plan.yaml: indicator #4: field 'code': expected '4.2.N', got '4.3.1'",
        ),
        (
            lambda d: indicator(d, "4.2.4").update(weight=14),
            "plan.yaml: weights add up to 99, not 100",
        ),
        (
            lambda d: indicator(d, "4.2.9").pop("survey"),
            "plan.yaml: indicator '4.2.9': field 'survey': required for source 'survey'",
        ),
        (
            lambda d: indicator(d, "4.2.2").pop("event_type"),
            "plan.yaml: indicator '4.2.2': field 'event_type': required for source 'events'",
        ),
        (
            lambda d: indicator(d, "4.2.1").update(planed=3),
            "plan.yaml: indicator '4.2.1': unknown field 'planed'",
        ),
        (
            lambda d: indicator(d, "4.2.1")["name"].pop("tr"),
            "plan.yaml: indicator '4.2.1': field 'name': missing 'tr' text",
        ),
        (
            lambda d: indicator(d, "4.2.1")["years"][2022].update(planned=-1),
            "plan.yaml: indicator '4.2.1': year 2022: field 'planned': -1 is outside 0 or more",
        ),
    ],
)
def test_errors_name_the_file_the_entry_and_the_field(tmp_path, change, message):
    with pytest.raises(PlanError) as error:
        load_plan(write_plan(tmp_path, change))
    assert str(error.value) == message


def test_values_in_the_file_are_read(tmp_path):
    def set_values(data):
        indicator(data, "4.2.8")["years"][2022] = {"planned": 1200, "baseline": 300}

    plan = load_plan(write_plan(tmp_path, set_values))
    assert plan.planned("4.2.8", 2022) == 1200.0
    assert plan.baseline("4.2.8", 2022) == 300.0


def test_a_key_given_twice_is_refused_with_the_file_and_the_key(tmp_path):
    """A copy-pasted second `weight:` would silently replace the first one."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("    weight: 15\n", "    weight: 15\n    weight: 25\n", 1), encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_plan(path)
    assert str(error.value) == "plan.yaml: not valid YAML: the key 'weight' appears twice (line 36, column 5)"
