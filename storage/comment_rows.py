"""One free-text answer as the comments read it: a plain value, so the pure comment list
(`reports.comments`) needs no database library to take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CommentRow:
    survey_id: str
    anonymous: bool
    question_id: str
    text: str
    completed_on: date
    period: str
    language: str
    centre_id: str | None
    centre: str | None  # its name
