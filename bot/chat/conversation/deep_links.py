"""Deep-link payloads for QR posters and invitations: `<code>` or `<code>__<centre>`, at most 64
characters of A-Z, a-z, 0-9, _ and - as Telegram allows.

The code is the survey's neutral `link` when it has one, else its id. A sensitive survey is
reached only by its neutral code and never with a centre, because a link is seen in a
browser's history, a shared phone and the chat itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from surveys.definition import SurveyDefinition

MAX_PAYLOAD = 64  # Telegram's limit on a /start parameter
_PAYLOAD = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_PAYLOAD}}}")
SEPARATOR = "__"


@dataclass(frozen=True)
class Target:
    survey: str
    centre: str | None = None


def parse_payload(payload: str, surveys: Mapping[str, SurveyDefinition]) -> Target | None:
    """The survey (by id) and centre a payload leads to, or None for a link we did not make."""
    if not _PAYLOAD.fullmatch(payload):
        return None
    code, _, centre = payload.partition(SEPARATOR)
    for defn in surveys.values():
        if code == defn.link_code or (code == defn.id and not defn.sensitive):
            if defn.sensitive and centre:
                return None
            return Target(survey=defn.id, centre=centre or None)
    return None


def make_payload(defn: SurveyDefinition, centre: str | None = None) -> str:
    if defn.sensitive:
        centre = None
    payload = defn.link_code if centre is None else f"{defn.link_code}{SEPARATOR}{centre}"
    if not _PAYLOAD.fullmatch(payload):
        raise ValueError(f"deep-link payload must be 1-64 of A-Z a-z 0-9 _ -: {payload!r}")
    return payload
