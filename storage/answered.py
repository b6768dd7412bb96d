"""One completed response as the results and exports read it: a plain value, so the pure
result model (`reports.results`) needs no database library to take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ResponseAnswers:
    """One completed response: its survey version, centre, day, period and answers by question."""

    survey_version: int
    centre_id: str | None
    completed_on: date
    period: str
    answers: dict[str, Any]
