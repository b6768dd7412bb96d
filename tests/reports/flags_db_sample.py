"""A year (2027) built to raise every flag a manager must see, figures worked by hand.

code    what is recorded                                              actual  flags
4.2.1   milestone 1 (3 Mar)                                           1       no plan
4.2.2   children_youth held 2 Feb (3 attended by name), held 28 Nov   2       baseline unknown (planned 10)
        (headcount 25, nobody named), cancelled 5 Dec
4.2.3   aid 1 (4 Apr), aid 1 (5 Apr) withdrawn by a correction to 0   1
4.2.4   gender_training: only a cancelled event (6 Jun)               0       known: its source has a record
4.2.5   women_support (anonymous): 9 of 12 satisfied                  75%     small sample (n=12)
4.2.6   nothing                                                       —       no plan, no data
4.2.7   women: nothing                                                —       no data
4.2.8   disability_activity held 10 Jan (p1 p2 p3), 20 Jan            5       (8 attendances, 5 people)
        (p2 p3 p4), 1 Dec (p1 p5)
4.2.9   disability_centre: Bornova 30/40, Buca 10/14, Konak 2/3       42/57   Buca n=14 small sample,
                                                                              Konak n=3 hidden
4.2.10  healthy_ageing_course held 7 Jul, headcount 12                1
4.2.11  approved 8 Aug and 9 Sep, one pending                         2

Week changes for the report 30.11–01.12: 4.2.8 +1 (p5 on 1 Dec); 4.2.2 +0 (its event was on
28 Nov, before the period).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from storage.centres import load_centres
from storage.models import Attendance, Event, IndicatorEntry, Membership, Person, StaffMember
from storage.repositories import centres, plan, surveys

ISTANBUL = timezone(timedelta(hours=3))
YEAR = 2027
PLAN = {  # planned, baseline (None: never set)
    "4.2.2": (10, None), "4.2.3": (4, 0), "4.2.4": (4, 0), "4.2.5": (80, 0), "4.2.7": (2, 0),
    "4.2.8": (10, 0), "4.2.9": (80, 50), "4.2.10": (2, 0), "4.2.11": (4, 0),
}
ACTUALS = {
    "4.2.1": 1, "4.2.2": 2, "4.2.3": 1, "4.2.4": 0, "4.2.5": 75.0, "4.2.6": None, "4.2.7": None,
    "4.2.8": 5, "4.2.9": 100 * 42 / 57, "4.2.10": 1, "4.2.11": 2,
}


def local(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=ISTANBUL)


async def seed(session) -> None:
    await centres.sync(session, load_centres())
    created = local(1, 1, 0)
    staff = StaffMember(display_name="Deniz Kaya", role="staff", language="tr", created_at=created)
    session.add(staff)
    await session.flush()
    for survey_id, anonymity, indicator in (("disability_centre", "pseudonymous", "4.2.9"),
                                            ("women_support", "anonymous", "4.2.5")):
        await surveys.register_definition(
            session, survey_id=survey_id, version=1, content_hash="h1", indicator=indicator,
            anonymity=anonymity, definition={"id": survey_id}, now=created,
        )
    answers = [("women_support", None, satisfied) for satisfied in [True] * 9 + [False] * 3]
    for centre, satisfied, n in (("bornova-engelli", 30, 40), ("buca-engelli", 10, 14), ("konak-engelli", 2, 3)):
        answers += [("disability_centre", centre, number < satisfied) for number in range(n)]
    for number, (survey_id, centre, satisfied) in enumerate(answers):
        await surveys.save_response(session, surveys.NewResponse(
            survey_id=survey_id, survey_version=1, period="2027-Q1", respondent_key=f"flags-{number}",
            language="tr", completed_on=date(YEAR, 3, 1), completed_at=None,
            answers={"overall": 5 if satisfied else 2}, centre_id=centre,
            respondent_role=None if centre is None else "self", satisfied=satisfied, score=5 if satisfied else 2,
        ))

    def event(kind: str, starts: datetime, centre: str, status: str = "held", headcount: int | None = None) -> Event:
        row = Event(centre_id=centre, type=kind, title=f"{kind} {starts:%d.%m}", starts_at=starts, status=status,
                    headcount=headcount, created_by=staff.id, created_at=created)
        session.add(row)
        return row

    named = event("children_youth", local(2, 2), "bayrakli-masal-evi")
    event("children_youth", local(11, 28), "bayrakli-masal-evi", headcount=25)
    event("children_youth", local(12, 5), "bayrakli-masal-evi", status="cancelled")
    event("gender_training", local(6, 6), "konak-kadin", status="cancelled")
    event("healthy_ageing_course", local(7, 7), "narlidere-saglikli-yasam", headcount=12)
    activities = [event("disability_activity", local(month, day), "bornova-engelli")
                  for month, day in ((1, 10), (1, 20), (12, 1))]
    await session.flush()
    for row, keys in ((named, ["c1", "c2", "c3"]), (activities[0], ["p1", "p2", "p3"]),
                      (activities[1], ["p2", "p3", "p4"]), (activities[2], ["p1", "p5"])):
        for key in keys:
            session.add(Attendance(event_id=row.id, beneficiary_key=key, kind="beneficiary", recorded_by=staff.id,
                                   recorded_at=row.starts_at))

    def entry(code: str, day: date, quantity: float, corrects: int | None = None) -> IndicatorEntry:
        row = IndicatorEntry(indicator_code=code, centre_id="konak-kadin", occurred_on=day, quantity=quantity,
                             note=None, corrects_entry_id=corrects, entered_by="Deniz Kaya",
                             entered_at=local(day.month, day.day, 16))
        session.add(row)
        return row

    entry("4.2.1", date(YEAR, 3, 3), 1)
    entry("4.2.3", date(YEAR, 4, 4), 1)
    withdrawn = entry("4.2.3", date(YEAR, 4, 5), 1)
    await session.flush()
    entry("4.2.3", date(YEAR, 4, 5), 0, corrects=withdrawn.id).reason = "yanlış kayıt"

    people = [Person(citizen_key=f"flags-citizen-{n}", telegram_user_id=950 + n, display_name=f"Kişi {n}",
                     language="tr", created_at=created) for n in range(3)]
    session.add_all(people)
    await session.flush()
    for person, approved in zip(people, (date(YEAR, 8, 8), date(YEAR, 9, 9), None)):
        session.add(Membership(person_id=person.id, centre_id="karsiyaka-alzheimer", relation="carer",
                               member_name="Üye", identity_key=f"flags-identity-{person.id}",
                               contact_preference="telegram", status="approved" if approved else "pending",
                               approved_on=approved, decided_by=staff.id if approved else None,
                               decided_at=local(approved.month, approved.day) if approved else None,
                               created_at=created))
    for code, (planned, baseline) in PLAN.items():
        await plan.set_value(session, code=code, year=YEAR, planned=planned, baseline=baseline, actor="test",
                             now=created)
    await session.flush()
