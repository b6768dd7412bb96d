"""Survey answers read back with plain SQL, and the figures recounted from them by hand, for
the tests that check the results, the drivers and the item chart against the raw rows."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from sqlalchemy import text

# The two sample surveys count 4 and 5 as satisfied.
SATISFIED = (4, 5)


async def raw_by_centre(db: Any, survey_id: str, first: date, last: date) -> dict[str | None, list[dict[str, Any]]]:
    """Each response completed in [first, last] as {question: value}, grouped by centre."""
    sql = (
        "SELECT r.id, r.centre_id, a.question_id, CAST(a.value AS TEXT) FROM responses r "
        "LEFT JOIN answers a ON a.response_id = r.id "
        "WHERE r.survey_id = :survey AND r.completed_on BETWEEN :first AND :last"
    )
    async with db.engine.connect() as connection:
        rows = (await connection.execute(text(sql), {"survey": survey_id, "first": first, "last": last})).all()
    responses: dict[int, tuple[str | None, dict[str, Any]]] = {}
    for response_id, centre, question_id, value in rows:
        _, answers = responses.setdefault(response_id, (centre, {}))
        if question_id is not None:
            answers[question_id] = json.loads(value)
    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for centre, answers in responses.values():
        grouped.setdefault(centre, []).append(answers)
    return grouped


def top2(responses: list[dict[str, Any]], question_id: str) -> tuple[int, int]:
    """(satisfied, answered on the scale) of one Likert item."""
    values = [a[question_id] for a in responses if isinstance(a.get(question_id), int)]
    return sum(value in SATISFIED for value in values), len(values)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95% Wilson interval in percent, written out as the reports state it."""
    z = 1.96
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)
