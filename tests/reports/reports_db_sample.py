"""A year of Target 4.2 records in the database, with every figure computed by hand.

Year 2026, week under report: ISO week 47, Monday 16 – Sunday 22 November (Istanbul).

code    rows that count in 2026                                   actual   planned/base  achievement
4.2.1   milestone 1 (1 Sep)                                        1        2 / 0         0.5
4.2.2   children_youth held: 1 Jan 00:30 local, 19 Nov,            3        10 / 0        0.3
        31 Dec 23:30 local. Not: 31 Dec 2025 23:59 local,
        1 Jan 2027 00:00 local, a draft event.
4.2.3   aid 40 (1 Feb) + 20 (17 Nov, correcting 25)                 60       100 / 20      0.5
4.2.4   gender_training held 10 Mar, 17 Nov                         2        4 / 0         0.5
4.2.5   women_support 1 Jan: 7 of 9 satisfied (31 Dec 2025: out)    77.78%   90 / 0        0.8642
4.2.6   nothing                                                     —        — / —         —
4.2.7   women held 18 Nov (3 confirmed, 1 cancelled, 2 attended)   1        2 / 0         0.5
4.2.8   disability_activity: 1 Jun k1; 16 Nov k1 k2 k3;             4        8 / 0         0.5
        20 Nov k2 k3 k4 (+1 unnamed); cancelled event k5: out
4.2.9   disability_centre: Bornova 5/6, Buca 1/3 (+1 no answer)     66.67%   80 / 50       0.5556
4.2.10  healthy_ageing_course held 1 Apr                            1        2 / 0         0.5
4.2.11  approved 5 May, 19 Nov (pending one, 31 Dec 2025: out)      2        4 / 0         0.5

Week changes (22 Nov vs 15 Nov): 4.2.1 0, 4.2.2 +1, 4.2.3 +20, 4.2.4 +1, 4.2.5 0 pp,
4.2.7 +1, 4.2.8 +3 (k2 k3 k4 first served), 4.2.9 6/9 − 4/7 = +9.52 pp, 4.2.10 0, 4.2.11 +1.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from storage.centres import load_centres
from storage.models import Attendance, Event, IndicatorEntry, Membership, Person, Registration, StaffMember
from storage.repositories import centres, plan, surveys

UTC = timezone.utc
ISTANBUL = timezone(timedelta(hours=3))
YEAR = 2026
WEEK = (date(2026, 11, 16), date(2026, 11, 22))
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ISTANBUL)
RESPONDENT_KEYS_PREFIX = "respondent-secret-"

PLAN = {
    "4.2.1": (2, 0), "4.2.2": (10, 0), "4.2.3": (100, 20), "4.2.4": (4, 0), "4.2.5": (90, 0),
    "4.2.7": (2, 0), "4.2.8": (8, 0), "4.2.9": (80, 50), "4.2.10": (2, 0), "4.2.11": (4, 0),
}
ACTUALS = {
    "4.2.1": 1, "4.2.2": 3, "4.2.3": 60, "4.2.4": 2, "4.2.5": 100 * 7 / 9, "4.2.6": None,
    "4.2.7": 1, "4.2.8": 4, "4.2.9": 100 * 6 / 9, "4.2.10": 1, "4.2.11": 2,
}
ACHIEVEMENTS = {
    "4.2.1": 0.5, "4.2.2": 0.3, "4.2.3": 0.5, "4.2.4": 0.5, "4.2.5": (7 / 9) / 0.9, "4.2.6": None,
    "4.2.7": 0.5, "4.2.8": 0.5, "4.2.9": (200 / 3 - 50) / 30, "4.2.10": 0.5, "4.2.11": 0.5,
}
WEIGHTS = {"4.2.1": 15, "4.2.2": 7, "4.2.3": 7, "4.2.4": 15, "4.2.5": 6, "4.2.6": 7, "4.2.7": 7,
           "4.2.8": 15, "4.2.9": 7, "4.2.10": 7, "4.2.11": 7}
TARGET = sum(WEIGHTS[c] * min(a, 1) for c, a in ACHIEVEMENTS.items() if a is not None) / 100
WEEK_CHANGES = {
    "4.2.1": 0, "4.2.2": 1, "4.2.3": 20, "4.2.4": 1, "4.2.5": 0, "4.2.6": None, "4.2.7": 1,
    "4.2.8": 3, "4.2.9": 100 * 6 / 9 - 100 * 4 / 7, "4.2.10": 0, "4.2.11": 1,
}
# Wilson 95% for 6 of 9, worked by hand: centre 0.61681, half-width 0.26261.
CI_4_2_9 = (35.42, 87.94)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ISTANBUL)


async def seed(session) -> dict[str, int]:
    """Insert the year; returns the ids tests refer to."""
    await centres.sync(session, load_centres())
    created = local(2026, 1, 1, 0, 0)
    staff = StaffMember(display_name="Ayşe Yılmaz", role="staff", language="tr", created_at=created)
    session.add(staff)
    await session.flush()

    for survey_id, anonymity, indicator in (("disability_centre", "pseudonymous", "4.2.9"),
                                            ("women_support", "anonymous", "4.2.5")):
        await surveys.register_definition(
            session, survey_id=survey_id, version=1, content_hash="h1", indicator=indicator,
            anonymity=anonymity, definition={"id": survey_id}, now=created,
        )
    answers = [
        # (survey, day, centre, satisfied, language, role)
        *[("disability_centre", date(2026, 10, 5), "bornova-engelli", s, "tr", "carer") for s in (True, True, True, False)],
        *[("disability_centre", date(2026, 11, 18), "bornova-engelli", True, "ar", "self") for _ in range(2)],
        ("disability_centre", date(2026, 11, 18), "bornova-engelli", None, "tr", "self"),
        *[("disability_centre", date(2026, 10, 6), "buca-engelli", s, "tr", "carer") for s in (True, False, False)],
        *[("women_support", date(2026, 1, 1), None, s, "tr", None) for s in [True] * 7 + [False] * 2],
        ("women_support", date(2025, 12, 31), None, True, "tr", None),
    ]
    for number, (survey_id, day, centre, satisfied, language, role) in enumerate(answers):
        await surveys.save_response(session, surveys.NewResponse(
            survey_id=survey_id, survey_version=1, period=f"{day.year}-Q{(day.month - 1) // 3 + 1}",
            respondent_key=f"{RESPONDENT_KEYS_PREFIX}{number}", language=language, completed_on=day,
            completed_at=None, answers={"overall": 5 if satisfied else 2, "comment": "özel yorum metni"},
            centre_id=centre, respondent_role=role, satisfied=satisfied,
            score=None if satisfied is None else (5 if satisfied else 2),
        ))

    def event(kind: str, starts: datetime, status: str = "held", centre: str = "bayrakli-masal-evi") -> Event:
        row = Event(centre_id=centre, type=kind, title=f"{kind} {starts:%d.%m}", starts_at=starts, status=status,
                    created_by=staff.id, created_at=created)
        session.add(row)
        return row

    event("children_youth", datetime(2025, 12, 31, 21, 30, tzinfo=UTC))  # 1 Jan 2026 00:30 local: counts
    event("children_youth", datetime(2025, 12, 31, 20, 59, tzinfo=UTC))  # 31 Dec 2025 23:59 local: out
    event("children_youth", datetime(2026, 12, 31, 20, 30, tzinfo=UTC))  # 31 Dec 2026 23:30 local: counts
    event("children_youth", datetime(2026, 12, 31, 21, 0, tzinfo=UTC))  # 1 Jan 2027 00:00 local: out
    event("children_youth", local(2026, 11, 19))
    event("children_youth", local(2026, 11, 20), status="draft")
    event("gender_training", local(2026, 3, 10), centre="konak-kadin")
    event("gender_training", local(2026, 11, 17), centre="konak-kadin")
    women = event("women", local(2026, 11, 18), centre="konak-kadin")
    event("healthy_ageing_course", local(2026, 4, 1), centre="narlidere-saglikli-yasam")
    june = event("disability_activity", local(2026, 6, 1), centre="bornova-engelli")
    first = event("disability_activity", local(2026, 11, 16), centre="bornova-engelli")
    second = event("disability_activity", local(2026, 11, 20), centre="bornova-engelli")
    cancelled = event("disability_activity", local(2026, 11, 21), status="cancelled", centre="bornova-engelli")
    event("disability_activity", local(2026, 11, 21, 15), centre="buca-engelli")  # held, no attendance
    await session.flush()
    for row, keys in ((june, ["k1"]), (first, ["k1", "k2", "k3"]), (second, ["k2", "k3", "k4", None]),
                      (cancelled, ["k5"])):
        for key in keys:
            session.add(Attendance(event_id=row.id, beneficiary_key=key, kind="beneficiary",
                                   recorded_by=staff.id, recorded_at=row.starts_at))

    people = []
    for number in range(5):
        person = Person(citizen_key=f"citizen-{number}", telegram_user_id=900 + number, display_name=f"Kişi {number}",
                        language="tr", created_at=created)
        session.add(person)
        people.append(person)
    await session.flush()
    for position, (person, status) in enumerate(zip(people, ["confirmed"] * 3 + ["cancelled"])):
        session.add(Registration(event_id=women.id, person_id=person.id, status=status, position=position,
                                 created_at=created))
    for key in ("w1", "w2"):
        session.add(Attendance(event_id=women.id, beneficiary_key=key, kind="registered", recorded_by=staff.id,
                               recorded_at=women.starts_at))

    def entry(code: str, day: date, quantity: float, corrects: int | None = None, note: str | None = None):
        row = IndicatorEntry(indicator_code=code, centre_id="konak-kadin", occurred_on=day, quantity=quantity,
                             note=note, corrects_entry_id=corrects, entered_by="Ayşe Yılmaz",
                             entered_at=local(day.year, day.month, day.day, 16, 45))
        session.add(row)
        return row

    entry("4.2.3", date(2026, 2, 1), 40)
    wrong = entry("4.2.3", date(2026, 11, 17), 25, note="okul teslimi")
    entry("4.2.3", date(2025, 12, 30), 99)
    entry("4.2.1", date(2026, 9, 1), 1, note="İskan belgesi alındı")
    await session.flush()
    fixed = entry("4.2.3", date(2026, 11, 17), 20, corrects=wrong.id)
    fixed.reason = "yanlış sayım"

    for number, (status, approved) in enumerate(
        [("approved", date(2026, 5, 5)), ("approved", date(2026, 11, 19)), ("pending", None),
         ("approved", date(2025, 12, 31))]
    ):
        session.add(Membership(person_id=people[number].id, centre_id="karsiyaka-alzheimer", relation="carer",
                               member_name=f"Üye {number}", identity_key=f"identity-{number}",
                               contact_preference="telegram", status=status, approved_on=approved,
                               decided_by=staff.id if approved else None,
                               decided_at=local(approved.year, approved.month, approved.day) if approved else None,
                               created_at=created))
    for code, (planned, baseline) in PLAN.items():
        await plan.set_value(session, code=code, year=YEAR, planned=planned, baseline=baseline, actor="test",
                             now=created)
    await session.flush()
    return {"staff": staff.id, "wrong": wrong.id, "fixed": fixed.id, "women": women.id}
