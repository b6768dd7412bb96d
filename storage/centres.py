"""The municipal centres, loaded and validated from data/centres.yaml.

A file rather than an admin screen: the list changes a few times a year, goes through
review like code, and the database follows it (see storage.repositories.centres.sync).
Districts are checked against İzmir's 30 so a typo cannot split one district in two.
Every centre is named in Turkish (its official name), English and Arabic: the surveys list
centres from here, so a centre reads the same in every question, button and message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from storage.strict_yaml import load_yaml, yaml_problem

DEFAULT_PATH = Path(__file__).with_name("data") / "centres.yaml"

CENTRE_TYPES = (
    "youth_centre",
    "children_youth_centre",
    "masal_evi",
    "women_centre",
    "disability_centre",
    "healthy_ageing_centre",
    "alzheimer_centre",
)
STATUSES = ("open", "under_construction")
NAME_LANGUAGES = ("tr", "en", "ar")

DISTRICTS = (
    "Aliağa", "Balçova", "Bayındır", "Bayraklı", "Bergama", "Beydağ", "Bornova", "Buca",
    "Çeşme", "Çiğli", "Dikili", "Foça", "Gaziemir", "Güzelbahçe", "Karabağlar", "Karaburun",
    "Karşıyaka", "Kemalpaşa", "Kınık", "Kiraz", "Konak", "Menderes", "Menemen", "Narlıdere",
    "Ödemiş", "Seferihisar", "Selçuk", "Tire", "Torbalı", "Urla",
)

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FIELDS = {"id", "type", "name", "district", "status"}


class CentreError(ValueError):
    """The centres file is not valid; the message names the file and the centre."""


@dataclass(frozen=True)
class Centre:
    id: str
    type: str
    name_tr: str
    name_en: str
    name_ar: str
    district: str
    status: str = "open"

    def name_in(self, lang: str) -> str:
        return {"en": self.name_en, "ar": self.name_ar}.get(lang, self.name_tr)


def load_centres(path: Path | str | None = None) -> list[Centre]:
    path = Path(path) if path is not None else DEFAULT_PATH
    where = path.name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CentreError(f"{where}: not valid YAML: {yaml_problem(error)}") from error
    raw = data.get("centres") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CentreError(f"{where}: field 'centres': expected a non-empty list")
    centres = [_centre(where, position, entry) for position, entry in enumerate(raw, 1)]
    seen: set[str] = set()
    for centre in centres:
        if centre.id in seen:
            raise CentreError(f"{where}: centre '{centre.id}': duplicate id")
        seen.add(centre.id)
    return centres


@cache
def shipped_by_id() -> Mapping[str, Centre]:
    """The shipped centres by id, read once: the database keeps no Arabic name, so chat
    screens take every centre's names from here."""
    return {centre.id: centre for centre in load_centres()}


def _centre(where: str, position: int, raw: Any) -> Centre:
    if not isinstance(raw, dict):
        raise CentreError(f"{where}: centre #{position}: expected a mapping")
    centre_id = raw.get("id")
    if not isinstance(centre_id, str) or not _SLUG.match(centre_id):
        raise CentreError(
            f"{where}: centre #{position}: field 'id': expected a slug like 'bornova-engelli', "
            f"got {centre_id!r}"
        )
    at = f"{where}: centre '{centre_id}'"
    unknown = sorted(set(raw) - _FIELDS, key=str)
    if unknown:
        raise CentreError(f"{at}: unknown field {unknown[0]!r}")
    if raw.get("type") not in CENTRE_TYPES:
        raise CentreError(f"{at}: field 'type': unknown type {raw.get('type')!r}")
    if raw.get("district") not in DISTRICTS:
        raise CentreError(f"{at}: field 'district': unknown district {raw.get('district')!r}")
    status = raw.get("status", "open")
    if status not in STATUSES:
        raise CentreError(f"{at}: field 'status': unknown status {status!r}")
    name = raw.get("name")
    if not isinstance(name, dict):
        raise CentreError(f"{at}: field 'name': expected tr, en and ar names")
    unknown_languages = sorted(set(name) - set(NAME_LANGUAGES), key=str)
    if unknown_languages:
        raise CentreError(f"{at}: field 'name': unknown language {unknown_languages[0]!r}")
    for lang in NAME_LANGUAGES:
        if not isinstance(name.get(lang), str) or not name[lang].strip():
            raise CentreError(f"{at}: field 'name': missing '{lang}' name")
    return Centre(
        id=centre_id,
        type=raw["type"],
        name_tr=name["tr"],
        name_en=name["en"],
        name_ar=name["ar"],
        district=raw["district"],
        status=status,
    )
