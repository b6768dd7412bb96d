from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from storage.centres import (
    CENTRE_TYPES,
    DEFAULT_PATH,
    DISTRICTS,
    CentreError,
    load_centres,
)
from surveys.definition import load_shipped


def write_centres(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(data["centres"])
    path = tmp_path / "centres.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_izmir_has_thirty_distinct_districts():
    assert len(DISTRICTS) == 30
    assert len(set(DISTRICTS)) == 30
    assert {"Karşıyaka", "Ödemiş", "Kınık", "Çeşme", "Güzelbahçe"} <= set(DISTRICTS)


def test_exactly_the_four_disability_centres():
    disability = {c.id: c.district for c in load_centres() if c.type == "disability_centre"}
    assert disability == {
        "bornova-engelli": "Bornova",
        "karsiyaka-engelli": "Karşıyaka",
        "buca-engelli": "Buca",
        "konak-engelli": "Konak",
    }


def test_every_centre_is_valid_and_each_type_is_present():
    centres = load_centres()
    assert len({c.id for c in centres}) == len(centres)
    assert {c.type for c in centres} == set(CENTRE_TYPES)
    assert all(c.district in DISTRICTS and c.name_tr and c.name_en and c.name_ar for c in centres)
    by_type = {t: sum(c.type == t for c in centres) for t in CENTRE_TYPES}
    assert 2 <= by_type["masal_evi"] <= 3
    assert by_type["children_youth_centre"] == 2
    assert by_type["women_centre"] == 2
    assert by_type["healthy_ageing_centre"] == 1
    assert by_type["alzheimer_centre"] == 1
    youth = [c for c in centres if c.type == "youth_centre"]
    assert [c.status for c in youth] == ["under_construction"]


def test_names_in_each_language():
    bornova = next(c for c in load_centres() if c.id == "bornova-engelli")
    assert bornova.name_in("tr") == "Bornova Engelli Hizmet Merkezi"
    assert bornova.name_in("en") == "Bornova Disability Service Centre"
    assert bornova.name_in("ar") == "مركز خدمات ذوي الإعاقة في بورنوفا"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda cs: cs[0].update(district="Izmit"),
            "centres.yaml: centre 'bornova-engelli': field 'district': unknown district 'Izmit'",
        ),
        (
            lambda cs: cs[1].update(id="bornova-engelli"),
            "centres.yaml: centre 'bornova-engelli': duplicate id",
        ),
        (
            lambda cs: cs[2].update(type="hospital"),
            "centres.yaml: centre 'buca-engelli': field 'type': unknown type 'hospital'",
        ),
        (
            lambda cs: cs[0].update(id="Bornova Engelli"),
            "centres.yaml: centre #1: field 'id': expected a slug like 'bornova-engelli', "
            "got 'Bornova Engelli'",
        ),
        (
            lambda cs: cs[0]["name"].pop("en"),
            "centres.yaml: centre 'bornova-engelli': field 'name': missing 'en' name",
        ),
        (
            lambda cs: cs[0]["name"].pop("ar"),
            "centres.yaml: centre 'bornova-engelli': field 'name': missing 'ar' name",
        ),
        (
            lambda cs: cs[0]["name"].update(de="Bornova Behindertenzentrum"),
            "centres.yaml: centre 'bornova-engelli': field 'name': unknown language 'de'",
        ),
        (
            lambda cs: cs[0].update(phone="0232 000 00 00"),
            "centres.yaml: centre 'bornova-engelli': unknown field 'phone'",
        ),
        (
            lambda cs: cs[0].update(status="closed"),
            "centres.yaml: centre 'bornova-engelli': field 'status': unknown status 'closed'",
        ),
    ],
)
def test_errors_name_the_file_and_the_centre(tmp_path, change, message):
    with pytest.raises(CentreError) as error:
        load_centres(write_centres(tmp_path, change))
    assert str(error.value) == message


def test_the_disability_survey_offers_exactly_the_disability_centres():
    """The survey names centres by the ids in the centres file, so a report can place each answer,
    and by their names there, so a centre reads the same everywhere."""
    defn = load_shipped()["disability_centre"]
    centre_question = next(q for q in defn.questions if q.id == defn.centre_question)
    offered = {option.value: option.label.tr for option in centre_question.options}
    centres = {c.id: c for c in load_centres() if c.type == "disability_centre"}
    assert offered == {centre_id: centre.name_tr for centre_id, centre in centres.items()}


def test_a_key_given_twice_is_refused_with_the_file_and_the_key(tmp_path):
    """A copy-pasted second `district:` would silently move the centre."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "centres.yaml"
    path.write_text(text.replace("    district: Bornova\n", "    district: Bornova\n    district: Buca\n", 1), encoding="utf-8")
    with pytest.raises(CentreError) as error:
        load_centres(path)
    assert str(error.value) == "centres.yaml: not valid YAML: the key 'district' appears twice (line 11, column 5)"
