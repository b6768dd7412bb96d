"""Deep-link payloads for QR posters: `<survey>` or `<survey>__<centre>`, at most 64 characters
of A-Z, a-z, 0-9, _ and - as Telegram allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
SEPARATOR = "__"


@dataclass(frozen=True)
class Target:
    survey: str
    centre: str | None = None


def parse_payload(payload: str) -> Target | None:
    if not _PAYLOAD.fullmatch(payload):
        return None
    survey, _, centre = payload.partition(SEPARATOR)
    return Target(survey=survey, centre=centre or None) if survey else None


def make_payload(survey: str, centre: str | None = None) -> str:
    payload = survey if centre is None else f"{survey}{SEPARATOR}{centre}"
    if not _PAYLOAD.fullmatch(payload):
        raise ValueError(f"deep-link payload must be 1-64 of A-Z a-z 0-9 _ -: {payload!r}")
    return payload
