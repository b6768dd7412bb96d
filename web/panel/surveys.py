"""Survey results and comments as the panel shows them: the values `kentbot results` computes
(reports.results, flags and hidden cells kept) and the comments chat's /yorumlar lists
(services.comments), put into words in the member's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reports import numbers
from reports.comments import Comment
from reports.labels import label as report_label
from reports.results import Cell, QuestionResult, Share, SurveyResults
from surveys.labels import label

DASH = "—"


def results_view(results: SurveyResults, lang: str) -> dict[str, Any]:
    """The survey's heading figures and each question, current ones first, then earlier
    versions' questions the survey no longer asks."""
    return {
        "title": label(results.title, lang), "id": results.survey_id, "anonymous": results.anonymous,
        "suppressed": results.suppressed, "responses": results.responses,
        "versions": ", ".join(str(version) for version in results.versions) or DASH,
        "changes": [{"version": c.version, "day": numbers.day(c.first_day)} for c in results.changes],
        "questions": [question_view(q, lang, None) for q in results.questions],
        "retired": [question_view(old.question, lang, old.version) for old in results.retired],
    }


def question_view(question: QuestionResult, lang: str, version: int | None) -> dict[str, Any]:
    """A question's n, flags, headline share, spread and counts; hidden ones say so."""
    summary = question.numbers
    return {
        "id": question.id, "type": question.type, "label": label(question.label, lang), "version": version,
        "condition": question.condition, "n": question.n, "suppressed": question.suppressed,
        "small_sample": question.small_sample,
        "top2": _share(question.top2, lang), "yes": _share(question.yes, lang),
        "mean": None if question.type != "likert5" or question.suppressed else
        (None if question.mean is None else numbers.number(question.mean, lang, 2)),
        "numbers": None if summary is None else [
            (key, None if value is None else numbers.number(value, lang))
            for key, value in (("min", summary.minimum), ("q1", summary.q1), ("median", summary.median),
                               ("q3", summary.q3), ("max", summary.maximum), ("mean", summary.mean))],
        "cells": [_cell(cell, lang) for cell in question.cells],
        "sides": [_cell(cell, lang) for cell in (question.not_applicable, question.skipped) if cell is not None],
        "by_version": [question_view(other.question, lang, other.version) for other in question.by_version],
    }


def _cell(cell: Cell, lang: str) -> dict[str, Any]:
    hidden = cell.hidden or cell.count is None
    return {"key": cell.key, "label": label(cell.label, lang), "hidden": hidden, "count": cell.count,
            "share": None if hidden or cell.share is None else numbers.percent(cell.share, lang)}


def _share(share: Share | None, lang: str) -> dict[str, Any] | None:
    if share is None:
        return None
    low, high = share.ci95
    return {"percent": numbers.percent(share.percent, lang), "value": f"{share.percent:g}",
            "successes": share.successes, "n": share.n, "low": numbers.percent(low, lang),
            "high": numbers.percent(high, lang)}


def comment_rows(comments: Sequence[Comment], lang: str) -> list[dict[str, Any]]:
    """Each comment alone: its day (an anonymous one only its period), centre, language,
    survey and question."""
    return [{"day": numbers.day(c.day) if c.day else None, "period": c.period, "centre": c.centre or DASH,
             "language": report_label(f"language_{c.language}", lang), "survey": label(c.survey_title, lang),
             "question": label(c.question, lang), "text": c.text, "anonymous": c.anonymous} for c in comments]
