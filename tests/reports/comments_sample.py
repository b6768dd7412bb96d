"""Comments of both shipped surveys, entered through the survey repository, for the comment
tests. Days are counted back from `today`, so the chat's last 90 days hold them all.

disability_centre: three at Bornova, two at Buca (one a day, the newest at Bornova).
women_support (anonymous): `anonymous_in_this_month` comments in this month's period and 4 in
last month's (a group under 5), each beside a satisfaction answer of 5.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from storage.centres import load_centres
from storage.repositories import centres, surveys
from surveys.definition import content_hash, load_shipped

BORNOVA, BUCA = "bornova-engelli", "buca-engelli"
CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)
IDENTIFIED = [(BORNOVA, 1, "Bornova fizyoterapi çok iyi"), (BUCA, 2, "Buca servis geç geliyor"),
              (BORNOVA, 3, "Bornova personeli ilgili"), (BUCA, 4, "Buca rampası bozuk"),
              (BORNOVA, 5, "Bornova kurs saatleri uygun")]


async def seed(session, today: date, anonymous_in_this_month: int = 5) -> None:
    await centres.sync(session, load_centres())
    shipped = load_shipped()
    for definition in shipped.values():
        await surveys.register_definition(
            session, survey_id=definition.id, version=definition.version, content_hash=content_hash(definition),
            indicator=definition.indicator, anonymity=definition.anonymity,
            definition=definition.model_dump(mode="json"), now=CREATED,
        )
    number = 0
    for centre, days_ago, text in IDENTIFIED:
        day = today - timedelta(days=days_ago)
        number += 1
        await surveys.save_response(session, surveys.NewResponse(
            survey_id="disability_centre", survey_version=shipped["disability_centre"].version,
            period=f"{day.year}-Q{(day.month - 1) // 3 + 1}", respondent_key=f"key-{number}", language="tr",
            completed_on=day, completed_at=None, centre_id=centre, respondent_role="self", satisfied=True, score=5,
            answers={"role": "self", "centre": centre, "overall": 5, "comment": text},
        ))
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    groups = [(this_month, "Bu ay anonim yorum", anonymous_in_this_month), (last_month, "Geçen ay anonim yorum", 4)]
    for first_day, text, count in groups:
        for index in range(count):
            number += 1
            await surveys.save_response(session, surveys.NewResponse(
                survey_id="women_support", survey_version=shipped["women_support"].version,
                period=f"{first_day.year}-{first_day.month:02d}", respondent_key=f"key-{number}", language="ar",
                completed_on=first_day, completed_at=None, satisfied=True, score=5,
                answers={"overall": 5, "safe_respected": 4, "comment": f"{text} {index}"},
            ))
