"""Responses of both shipped surveys, entered through the survey repository, for the results
and export tests.

disability_centre (the shipped version, pseudonymous), 2026: 36 responses at Bornova and 8 at Buca,
from a seeded random model, plus one at Bornova on 31 December 2025 (outside the year).
At Bornova exactly 2 people answered "staff" with 1 (a cell under 5) and 3 with 2.
Carers are asked `carer_informed`; people answering for themselves are not.

women_support (the shipped version, anonymous), 2026: 12 responses in March and 3 in May; a range
holding only May's is refused by the export.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

from storage.centres import load_centres
from storage.repositories import centres, surveys
from surveys.definition import content_hash, load_shipped

YEAR = 2026
BORNOVA, BUCA = "bornova-engelli", "buca-engelli"
RESPONDENT_PREFIX = "respondent-key-"
CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _disability(rng: random.Random, centre: str, staff: int | None) -> dict[str, object]:
    role = rng.choice(["self", "self_helped", "carer"])
    answers: dict[str, object] = {
        "role": role,
        "centre": centre,
        "services": sorted(rng.sample(["physiotherapy", "education", "social", "counselling", "transport", "sports"],
                                      rng.randint(1, 3))),
        "staff": staff if staff is not None else rng.choice([3, 4, 4, 5, 5]),
        "getting_there": rng.choice([2, 3, 4, 5, "na"]),
        "moving_inside": rng.choice([2, 3, 4, 5]),
        "toilets": rng.choice([1, 2, 3, 4, "na"]),
        "activities": rng.choice([3, 4, 5]),
        "overall": rng.choice([2, 3, 4, 4, 5, 5]),
    }
    if role == "carer":
        answers["carer_informed"] = rng.choice(["yes", "yes", "no"])
    if rng.random() < 0.3:
        answers["comment"] = "özel yorum metni"
    return answers


def _women(rng: random.Random) -> dict[str, object]:
    chosen = sorted(rng.sample(["counselling", "legal", "shelter", "referral", "psychological", "workshops"], rng.randint(1, 2)))
    answers: dict[str, object] = {"used_services": "yes", "support_types": chosen, "overall": rng.choice([3, 4, 5, 5])}
    if "referral" in chosen:
        answers["referral_timely"] = rng.choice(["yes", "no"])
    if rng.random() < 0.7:
        answers["ease_of_access"] = rng.choice([2, 3, 4, 5])
    answers["felt_safe"] = rng.choice([4, 5])
    if rng.random() < 0.8:
        answers["treated_with_respect"] = rng.choice([3, 4, 5])
    return answers


async def seed(session) -> None:
    await centres.sync(session, load_centres())
    shipped = load_shipped()
    for definition in shipped.values():
        await surveys.register_definition(
            session, survey_id=definition.id, version=definition.version, content_hash=content_hash(definition),
            indicator=definition.indicator, anonymity=definition.anonymity,
            definition=definition.model_dump(mode="json"), now=CREATED,
        )
    rng = random.Random(20261)
    entries: list[tuple[str, date, str | None, dict[str, object]]] = []
    staff_at_bornova = [1, 1, 2, 2, 2] + [None] * 31
    for number, staff in enumerate(staff_at_bornova):
        entries.append(("disability_centre", date(2026, 1 + number % 12, 1 + number % 28), BORNOVA,
                        _disability(rng, BORNOVA, staff)))
    for number in range(8):
        entries.append(("disability_centre", date(2026, 3 + number, 10), BUCA, _disability(rng, BUCA, None)))
    entries.append(("disability_centre", date(2025, 12, 31), BORNOVA, _disability(rng, BORNOVA, 1)))
    for number in range(12):
        entries.append(("women_support", date(2026, 3, 1 + number), None, _women(rng)))
    for number in range(3):
        entries.append(("women_support", date(2026, 5, 1 + number), None, _women(rng)))
    for number, (survey_id, day, centre, answers) in enumerate(entries):
        overall = answers["overall"]
        await surveys.save_response(session, surveys.NewResponse(
            survey_id=survey_id, survey_version=shipped[survey_id].version, period=f"{day.year}-{day.month:02d}",
            respondent_key=f"{RESPONDENT_PREFIX}{number}", language="tr", completed_on=day,
            completed_at=None, answers=answers, centre_id=centre,
            respondent_role=answers.get("role"), satisfied=overall >= 4, score=overall,
        ))
