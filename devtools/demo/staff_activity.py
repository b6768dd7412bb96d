"""A year of centre staff work for the demo, done through the same services the staff chat
uses, so every row is checked, audited and counted exactly as in production.

The year is first planned from a seeded random generator (pure: who does what, when), then
played in time order in one transaction, each action with its own simulated time. Decisions
that depend on the database (who got a place, who is ticked) use a generator seeded per event,
so a seed and a day always give the same year.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.chat import notices
from devtools.demo.words import say
from services import attendance, entries, events, invites, memberships, registrations
from services.roles import Actor, actor_for, require
from storage.centres import Centre, load_centres
from storage.models import Person
from storage.pseudonyms import citizen_key
from storage.repositories import centres as centre_store
from storage.repositories import entries as entry_store
from storage.repositories import events as event_store
from storage.repositories import staff as staff_store

# Simulated Telegram accounts live at 900000 and above, apart from the demo citizens (700000-700999).
STAFF_IDS = 900_000
WOMEN_IDS = 901_000
DISABILITY_IDS = 902_000
FAMILY_IDS = 903_000
SETUP_ACTOR = "demo"

FIRST_DAY = (1, 5)  # centres reopen after the new-year holiday
WORKDAYS = range(6)  # Monday to Saturday
# Past events per week of the year so far, by type.
WEEKLY_RATE = {
    "children_youth": 1.0, "gender_training": 0.6, "women": 0.5, "disability_activity": 0.6,
    "healthy_ageing_course": 0.22,
}
MEMBERSHIPS_PER_WEEK = 0.38
WOMEN_POOL, DISABILITY_POOL_PER_CENTRE = 48, 16  # regulars: the same people come again
UPCOMING = {"children_youth": 2, "gender_training": 1, "women": 1, "disability_activity": 1, "healthy_ageing_course": 1}
TITLES = {
    "children_youth": ("Masal saati", "Satranç atölyesi", "Resim atölyesi", "Kodlama kulübü", "Müzik atölyesi"),
    "gender_training": (
        "Toplumsal cinsiyet eşitliği farkındalık eğitimi", "Ekonomik güçlenme semineri", "Eşit ebeveynlik atölyesi",
        "Flört şiddetini tanıma eğitimi",
    ),
    "women": (
        "Kadın sağlığı söyleşisi", "Hukuki haklar bilgilendirmesi", "Girişimcilik atölyesi",
        "Dijital okuryazarlık atölyesi", "El sanatları buluşması",
    ),
    "disability_activity": (
        "Su terapisi grubu", "Müzik terapisi", "Bağımsız yaşam becerileri atölyesi", "Aile destek buluşması",
        "Tekerlekli sandalye basketbolu",
    ),
    "healthy_ageing_course": (
        "Sağlıklı beslenme kursu", "Yoga ve nefes kursu", "Tablet kullanımı kursu", "Hafıza güçlendirme kursu",
        "Seramik kursu",
    ),
}
AUDIENCE = {
    "children_youth": ("children", "youth"), "gender_training": ("everyone", "women"), "women": ("women",),
    "disability_activity": ("disabled", "families"), "healthy_ageing_course": ("older",),
}
CAPACITY = {
    "children_youth": (20, 30), "gender_training": (20, 40), "women": (8, 14), "disability_activity": (6, 10),
    "healthy_ageing_course": (15, 20),
}
START_HOURS = (10, 11, 14, 15)
PLACES = ("Merkez salonu", "Atölye", "Bahçe", "Çok amaçlı salon")

FEMALE = ("Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Hatice", "Merve", "Sevgi", "Derya", "Gülsüm", "Nur", "Leyla")
MALE = ("Mehmet", "Ali", "Mustafa", "Hüseyin", "Murat", "Emre", "Can", "Yusuf", "İbrahim", "Osman")
SURNAMES = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan", "Koç", "Kurt")
ARABIC = (("Layla", "Fatima", "Amira", "Rana", "Huda"), ("Haddad", "Khalil", "Nasser", "Saleh"))
ENGLISH = (("Anna", "Maria", "Sarah"), ("Smith", "Brown", "Miller"))
LANGUAGES = (("tr", 0.75), ("ar", 0.2), ("en", 0.05))
TEAM = (("admin", "Derya Aksoy"), ("manager", "Murat Demir"))
MANAGER = 1  # index in TEAM: enters milestones and corrections, and stands in for centres without staff
STAFF_NAMES = ("Elif Kaya", "Hasan Çelik", "Selin Arslan", "Burak Yıldız", "Gül Şahin", "Okan Tuna")

DECLINE_REASON = "Başvurulan kişi merkezin hizmet bölgesi dışında oturuyor; en yakın merkeze yönlendirildi."
AID_CORRECTION = "Okul numarası yanlış girilmiş; bu öğrenci yardım listesinde yok."
AID_NOTE = "Giyecek ve kırtasiye paketi"


@dataclass(frozen=True)
class StaffActivitySummary:
    """What the simulated staff did; each indicator's actual follows from these counts."""

    staff_members: int
    children_youth_events: int  # held, 4.2.2
    gender_trainings: int  # held, 4.2.4
    women_events: int  # held, 4.2.7
    disability_activities: int  # held
    disability_beneficiaries: int  # distinct people attending, 4.2.8
    ageing_courses: int  # held, 4.2.10
    upcoming_events: int  # published, in the coming days
    cancelled_events: int
    registrations: int
    attendance_records: int
    aid_students: int  # after corrections, 4.2.3
    aid_repeats: int  # students already given aid this year, refused by the service
    aid_corrections: int  # each withdraws one student's entry
    youth_centres_completed: int  # 4.2.1
    women_centres_completed: int  # 4.2.6
    members_approved: int  # 4.2.11
    members_declined: int
    members_pending: int

    def by_indicator(self) -> dict[str, int]:
        """The actual each count indicator should show for the simulated year."""
        return {
            "4.2.1": self.youth_centres_completed, "4.2.2": self.children_youth_events, "4.2.3": self.aid_students,
            "4.2.4": self.gender_trainings, "4.2.6": self.women_centres_completed, "4.2.7": self.women_events,
            "4.2.8": self.disability_beneficiaries, "4.2.10": self.ageing_courses, "4.2.11": self.members_approved,
        }

    def lines(self, lang: str = "tr") -> list[str]:
        """The demo's lines in `lang`."""
        return [
            say("staff_members", lang, members=self.staff_members),
            say(
                "staff_events", lang, youth=self.children_youth_events, gender=self.gender_trainings,
                women=self.women_events, disability=self.disability_activities, ageing=self.ageing_courses,
                upcoming=self.upcoming_events, cancelled=self.cancelled_events,
            ),
            say(
                "staff_people", lang, registrations=self.registrations, attendance=self.attendance_records,
                disabled=self.disability_beneficiaries,
            ),
            say("staff_aid", lang, students=self.aid_students, repeats=self.aid_repeats, corrections=self.aid_corrections),
            say("staff_built", lang, youth=self.youth_centres_completed, women=self.women_centres_completed),
            say(
                "staff_members_alzheimer", lang, approved=self.members_approved, declined=self.members_declined,
                pending=self.members_pending,
            ),
        ]


class StaffActivityError(RuntimeError):
    """The database cannot take the simulated year (it already holds one)."""


async def simulate_staff_year(
    sessions: async_sessionmaker[AsyncSession], *, secret: bytes, seed: int, today: date, zone: ZoneInfo
) -> StaffActivitySummary:
    """Play staff work from 1 January to the day before `today`, in one transaction: all or nothing."""
    centres = load_centres()
    year = _Year(centres, secret=secret, seed=seed, today=today, zone=zone)
    async with sessions.begin() as session:
        await centre_store.sync(session, centres)
        if await staff_store.member_by_telegram(session, STAFF_IDS + 1) is not None:
            raise StaffActivityError("this database already holds the simulated staff year; use a fresh one")
        for step in sorted(year.steps, key=lambda s: (s.at, s.order)):
            await step.action(session, step.at)
    return year.summary()


Action = Callable[[AsyncSession, datetime], Awaitable[None]]


@dataclass(frozen=True)
class _Step:
    at: datetime
    order: int
    action: Action


@dataclass(frozen=True)
class _Citizen:
    telegram_user_id: int
    name: str
    language: str


@dataclass(frozen=True)
class _Application:
    applicant: _Citizen
    relation: str
    member: str
    born: date
    phone: str | None


@dataclass
class _Tally:
    held: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    upcoming: int = 0
    cancelled: int = 0
    registrations: int = 0
    attendance: int = 0
    beneficiaries: set[str] = field(default_factory=set)
    aid_added: int = 0
    aid_repeats: int = 0
    aid_corrections: int = 0
    milestones: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    members: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class _Year:
    """The planned year (`steps`) and, once played, what came of it."""

    def __init__(self, centres: list[Centre], *, secret: bytes, seed: int, today: date, zone: ZoneInfo) -> None:
        self.secret, self.seed, self.zone, self.today = secret, seed, zone, today
        self.rng = random.Random(f"staff-year/{seed}/{today.isoformat()}")
        self.steps: list[_Step] = []
        self.tally = _Tally()
        self.actors: list[Actor] = []
        self.event_ids: dict[int, int] = {}  # planned index -> database id
        self.membership_ids: dict[int, int] = {}
        self.limit = self.local(today, 0)  # nothing happens from today on: the demo looks back
        first = date(today.year, *FIRST_DAY)
        every_day = (first + timedelta(n) for n in range(max(0, (today - first).days)))
        self.days = [day for day in every_day if day.weekday() in WORKDAYS]
        self.setup_at = min(self.local(date(today.year, 1, 2), 8, 30), self.limit - timedelta(hours=1))
        by_type: dict[str, list[Centre]] = defaultdict(list)
        for centre in centres:
            by_type[centre.type].append(centre)
        self.by_type = by_type
        self.handler = self._plan_team()
        self._plan_events()
        self._plan_aid()
        self._plan_milestones()
        self._plan_memberships()

    # --- time ------------------------------------------------------------------------------

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(timezone.utc)

    def at(self, moment: datetime, action: Action) -> None:
        self.steps.append(_Step(moment, len(self.steps), action))

    def weeks(self) -> float:
        return len(self.days) / len(WORKDAYS)

    # --- staff -----------------------------------------------------------------------------

    def _plan_team(self) -> dict[str, int]:
        """Admin, manager and centre staff; returns which member (by index) runs each centre."""
        disability = [c.id for c in self.by_type["disability_centre"]]
        half = (len(disability) + 1) // 2
        groups = [
            [c.id for c in self.by_type["women_centre"]],
            disability[:half],
            disability[half:],
            [c.id for t in ("masal_evi", "children_youth_centre") for c in self.by_type[t]],
            [c.id for t in ("healthy_ageing_centre", "alzheimer_centre") for c in self.by_type[t]],
        ]
        members = [(role, name, []) for role, name in TEAM]
        members += [("staff", name, group) for name, group in zip(STAFF_NAMES, [g for g in groups if g])]
        handler = {centre: index for index, (_, _, group) in enumerate(members) for centre in group}
        self.at(self.setup_at, lambda session, now: self._join_team(session, now, members))
        return handler

    async def _join_team(self, session: AsyncSession, now: datetime, members: list[tuple[str, str, list[str]]]) -> None:
        for index, (role, name, centre_ids) in enumerate(members):
            inviter = SETUP_ACTOR if not self.actors else require(self.actors[0], "staff.invite").label
            member = None
            targets: list[str | None] = [*centre_ids] or [None]  # admins and managers have no centre
            for centre_id in targets:
                invite = await invites.create(session, role=role, centre_id=centre_id, hours=48, actor=inviter, now=now)
                member = await invites.redeem(
                    session, code=invite.code, telegram_user_id=STAFF_IDS + 1 + index, display_name=name,
                    language="tr", now=now + timedelta(minutes=5),
                )
            assert member is not None
            self.actors.append(await actor_for(session, member))

    def actor_for_centre(self, centre_id: str) -> Actor:
        return self.actors[self.handler.get(centre_id, MANAGER)]

    # --- events ----------------------------------------------------------------------------

    def _plan_events(self) -> None:
        hosts = {
            "children_youth": self.by_type["masal_evi"] + self.by_type["children_youth_centre"],
            "gender_training": self.by_type["women_centre"] + self.by_type["children_youth_centre"],
            "women": self.by_type["women_centre"],
            "disability_activity": self.by_type["disability_centre"],
            "healthy_ageing_course": self.by_type["healthy_ageing_centre"],
        }
        women = self._citizens(WOMEN_IDS, WOMEN_POOL, female=True)
        disabled = {
            centre.id: self._citizens(DISABILITY_IDS + 100 * n, DISABILITY_POOL_PER_CENTRE, female=None)
            for n, centre in enumerate(hosts["disability_activity"])
        }
        index = 0
        for event_type, centres in hosts.items():
            if not centres:
                continue
            count = round(WEEKLY_RATE[event_type] * self.weeks() * self.rng.uniform(0.9, 1.1)) if self.days else 0
            planned = [(day, "held") for day in sorted(self.rng.choices(self.days, k=count))] if count else []
            planned += [(self.today + timedelta(self.rng.randint(1, 9)), "upcoming") for _ in range(UPCOMING[event_type])]
            if event_type == "women" and len(self.days) > 14:
                planned.append((self.rng.choice(self.days[7:]), "cancelled"))
            for day, fate in planned:
                centre = self.rng.choice(centres)
                pool = women if event_type == "women" else disabled.get(centre.id, [])
                self._plan_event(index, event_type, centre.id, day, fate, pool)
                index += 1

    def _plan_event(self, index: int, event_type: str, centre_id: str, day: date, fate: str, pool: list[_Citizen]) -> None:
        rng = self.rng
        starts_at = self.local(day, rng.choice(START_HOURS), rng.choice((0, 30)))
        if fate == "upcoming":
            created_at = self.limit - timedelta(days=rng.randint(1, 6), hours=rng.randint(4, 10))
        else:
            created_at = starts_at - timedelta(days=rng.randint(4, 14), hours=rng.randint(1, 5))
        created_at = max(created_at, self.setup_at + timedelta(hours=1))
        if created_at >= min(starts_at, self.limit):
            return
        published_at = created_at + timedelta(hours=rng.randint(2, 20))
        draft_first = rng.random() < 0.2 and published_at < min(starts_at, self.limit) - timedelta(hours=4)
        if not draft_first:
            published_at = created_at
        low, high = CAPACITY[event_type]
        draft = events.Draft(
            type=event_type, centre_id=centre_id, title=rng.choice(TITLES[event_type]), starts_at=starts_at,
            place=rng.choice(PLACES), capacity=rng.randint(low, high), audience=rng.choice(AUDIENCE[event_type]),
            language="ar" if event_type == "women" and rng.random() < 0.15 else "tr",
        )
        self.at(created_at, lambda s, now: self._create(s, now, index, draft, publish=not draft_first))
        if draft_first:
            self.at(published_at, lambda s, now: self._publish(s, now, index, centre_id))
        close = self.limit if fate == "upcoming" else starts_at - timedelta(days=1 if fate == "cancelled" else 0)
        close = min(close, starts_at - timedelta(hours=3), self.limit - timedelta(hours=1))
        if pool and close > published_at + timedelta(hours=1):
            self._plan_registrations(index, pool, published_at + timedelta(hours=1), close, draft.capacity or 0)
        if fate == "cancelled":
            self.at(max(close, published_at) + timedelta(minutes=30), lambda s, now: self._cancel(s, now, index, centre_id))
        elif fate == "held":
            self._plan_attendance(index, event_type, centre_id, starts_at)
        else:
            self.tally.upcoming += 1

    def _plan_registrations(self, index: int, pool: list[_Citizen], opens: datetime, closes: datetime, capacity: int) -> None:
        """Citizens register through the bot between publication and the event; sometimes more
        than there are places, so the waiting list is used, and one may give up a place."""
        people = self.rng.sample(pool, k=min(len(pool), self.rng.randint(capacity // 3, capacity + 2)))
        span = (closes - opens).total_seconds()
        moments = sorted(opens + timedelta(seconds=self.rng.uniform(0, span)) for _ in people)
        for citizen, moment in zip(people, moments):
            self.at(moment, lambda s, now, c=citizen: self._register(s, now, index, c))
        if people and self.rng.random() < 0.3:
            quitter = self.rng.choice(people)
            self.at(closes, lambda s, now: self._give_up(s, now, index, quitter))

    def _plan_attendance(self, index: int, event_type: str, centre_id: str, starts_at: datetime) -> None:
        if event_type in ("women", "disability_activity"):
            walkins = []
            if event_type == "disability_activity" and self.rng.random() < 0.4:
                names = [f"{first} {last}" for first, last in zip(MALE[:3] + FEMALE[:3], SURNAMES[6:])]
                walkins = self.rng.sample(names, k=self.rng.randint(1, 2))
            self.at(
                starts_at + timedelta(minutes=15),
                lambda s, now: self._take_attendance(s, now, index, event_type, centre_id, walkins),
            )
        else:
            count = self.rng.randint(*CAPACITY[event_type]) - self.rng.randint(0, 8)
            self.at(starts_at + timedelta(minutes=90), lambda s, now: self._headcount(s, now, index, centre_id, count))

    async def _create(self, session: AsyncSession, now: datetime, index: int, draft: events.Draft, *, publish: bool) -> None:
        event = await events.create(session, self.actor_for_centre(draft.centre_id), draft, publish=publish, now=now)
        self.event_ids[index] = event.id

    async def _publish(self, session: AsyncSession, now: datetime, index: int, centre_id: str) -> None:
        await events.publish(session, self.actor_for_centre(centre_id), self.event_ids[index], now)

    async def _cancel(self, session: AsyncSession, now: datetime, index: int, centre_id: str) -> None:
        owed = await events.cancel(session, self.actor_for_centre(centre_id), self.event_ids[index], now=now)
        await notices.queue(session, owed, zone=self.zone, now=now)
        self.tally.cancelled += 1

    async def _person(self, session: AsyncSession, citizen: _Citizen, now: datetime) -> Person:
        return await registrations.ensure_person(
            session, citizen_key=citizen_key(self.secret, citizen.telegram_user_id),
            telegram_user_id=citizen.telegram_user_id, display_name=citizen.name, language=citizen.language, now=now,
        )

    async def _register(self, session: AsyncSession, now: datetime, index: int, citizen: _Citizen) -> None:
        person = await self._person(session, citizen, now)
        outcome = await registrations.register(session, event_id=self.event_ids[index], person_id=person.id, now=now)
        self.tally.registrations += int(outcome.new)

    async def _give_up(self, session: AsyncSession, now: datetime, index: int, citizen: _Citizen) -> None:
        person = await self._person(session, citizen, now)
        promotion = await registrations.cancel(session, event_id=self.event_ids[index], person_id=person.id, now=now)
        if promotion is not None:
            await notices.queue(session, [promotion.notice], zone=self.zone, now=now)

    async def _take_attendance(
        self, session: AsyncSession, now: datetime, index: int, event_type: str, centre_id: str, walkins: list[str]
    ) -> None:
        """Staff tick most of those with a place, then add walk-ins; an event nobody came to
        for sure gets a headcount, so it still counts as held without inventing beneficiaries."""
        actor, event_id = self.actor_for_centre(centre_id), self.event_ids[index]
        rng = random.Random(f"attendance/{self.seed}/{index}")
        confirmed = await event_store.registered_people(session, event_id, ("confirmed",))
        present = [person for _, person in confirmed if rng.random() < 0.85]
        served: list[str] = []
        for n, person in enumerate(present):
            moment = now + timedelta(seconds=20 * n)
            marked = await attendance.tick(session, actor, event_id=event_id, person_id=person.id, secret=self.secret, now=moment)
            if marked.present:
                served.append(attendance.person_key(self.secret, person.telegram_user_id))
        for name in walkins:
            moment = now + timedelta(minutes=10)
            walked = await attendance.walk_in(session, actor, event_id=event_id, name=name, secret=self.secret, now=moment)
            if walked.choices:  # a demo name is one person: staff say it is the walk-in already known
                choice = walked.choices[0].walkin_id
                walked = await attendance.walk_in(
                    session, actor, event_id=event_id, name=name, secret=self.secret, now=moment, choice=choice
                )
            if walked.present:
                served.append(attendance.walkin_key(self.secret, centre_id, name))
        if not served:
            moment = now + timedelta(minutes=30)
            await attendance.set_headcount(session, actor, event_id=event_id, count=rng.randint(3, 9), now=moment)
        self.tally.attendance += len(served)
        if event_type == "disability_activity":  # 4.2.8 counts the people its activities served
            self.tally.beneficiaries.update(served)
        self.tally.held[event_type] += 1

    async def _headcount(self, session: AsyncSession, now: datetime, index: int, centre_id: str, count: int) -> None:
        event = await attendance.set_headcount(
            session, self.actor_for_centre(centre_id), event_id=self.event_ids[index], count=count, now=now
        )
        self.tally.held[event.type] += 1

    def _citizens(self, first_id: int, count: int, *, female: bool | None) -> list[_Citizen]:
        people = []
        for n in range(count):
            language = self.rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
            if language == "ar":
                firsts, lasts = ARABIC
            elif language == "en":
                firsts, lasts = ENGLISH
            else:
                firsts = FEMALE if female or (female is None and self.rng.random() < 0.5) else MALE
                lasts = SURNAMES
            people.append(_Citizen(first_id + n, f"{self.rng.choice(firsts)} {self.rng.choice(lasts)}", language))
        return people

    # --- aid, milestones, memberships -------------------------------------------------------

    def _plan_aid(self) -> None:
        """Two large distributions at the start of each term and small ones in between."""
        centres = [c.id for c in self.by_type["children_youth_centre"]] or [c.id for c in self.by_type["masal_evi"]]
        if not centres or not self.days:
            return
        pool = [str(n) for n in self.rng.sample(range(100_000, 1_000_000), k=170)]
        days = [(date(self.today.year, 2, 12), True), (date(self.today.year, 9, 16), True)]
        days += [(date(self.today.year, month, 20), False) for month in (1, 3, 4, 5, 6, 10, 11, 12) if self.rng.random() < 0.6]
        batches = []
        for day, large in sorted(days):
            if not self.days[0] <= day < self.today:
                continue
            students = self.rng.sample(pool, k=self.rng.randint(35, 50) if large else self.rng.randint(4, 10))
            centre = self.rng.choice(centres)
            moment = self.local(day, 16)
            self.at(moment, lambda s, now, d=day, c=centre, ids=students: self._log_aid(s, now, c, d, ids))
            batches.append((moment, students))
        if batches:
            moment, students = max(batches, key=lambda batch: len(batch[1]))
            wrong = self.rng.choice(students)
            when = min(moment + timedelta(days=2), self.limit - timedelta(minutes=30))
            self.at(when, lambda s, now: self._correct_aid(s, now, wrong))

    async def _log_aid(self, session: AsyncSession, now: datetime, centre_id: str, day: date, school_ids: list[str]) -> None:
        result = await entries.log_aid(
            session, self.actor_for_centre(centre_id), centre_id=centre_id, occurred_on=day, school_ids=school_ids,
            note=AID_NOTE, secret=self.secret, now=now, today=now.astimezone(self.zone).date(),
        )
        self.tally.aid_added += result.added
        self.tally.aid_repeats += result.already_counted

    async def _correct_aid(self, session: AsyncSession, now: datetime, school_id: str) -> None:
        """The manager withdraws one entry whose school number was typed wrong."""
        key = entries.aid_key(self.secret, school_id, self.today.year)
        entry = await entry_store.effective_with_key(session, entries.AID, key)
        assert entry is not None, "the corrected student was logged earlier in the same year"
        await entries.correct(
            session, self.actors[MANAGER], entry_id=entry.id, quantity=0, occurred_on=None, note=None, reason=AID_CORRECTION,
            now=now, today=now.astimezone(self.zone).date(),
        )
        self.tally.aid_corrections += 1

    def _plan_milestones(self) -> None:
        """A youth centre finished around the middle of the year, a women's centre earlier."""
        for code, centre_type, share in (("4.2.1", "youth_centre", 0.6), ("4.2.6", "women_centre", 0.35)):
            candidates = self.by_type[centre_type]
            if len(self.days) < 10 or not candidates:
                continue
            building = [c for c in candidates if c.status == "under_construction"] or candidates[-1:]
            centre = building[0]
            completed = self.days[int(len(self.days) * share) + self.rng.randint(-3, 3)]  # at least 10 days: in range
            note = f"Geçici kabul tutanağı {completed:%d.%m.%Y} tarihinde imzalandı; yapı denetim raporu dosyada."
            self.at(
                self.local(completed, 17),
                lambda s, now, c=code, i=centre.id, d=completed, n=note: self._milestone(s, now, c, i, d, n),
            )

    async def _milestone(self, session: AsyncSession, now: datetime, code: str, centre_id: str, day: date, note: str) -> None:
        await entries.add_milestone(
            session, self.actors[MANAGER], code=code, centre_id=centre_id, completed_on=day, note=note, now=now,
            today=now.astimezone(self.zone).date(),
        )
        self.tally.milestones[code] += 1

    def _plan_memberships(self) -> None:
        """Families apply through the bot; staff approve most within days, decline one with a
        reason, and the latest application is still waiting."""
        centres = self.by_type["alzheimer_centre"]
        if not centres or len(self.days) < 10:
            return
        centre_id = centres[0].id
        count = max(3, round(MEMBERSHIPS_PER_WEEK * self.weeks()))
        days = sorted(self.rng.choices(self.days[:-1], k=count - 1)) + [self.days[-1]]
        identities: set[tuple[str, date]] = set()  # the service refuses the same member twice
        decisions: list[tuple[int, datetime]] = []
        for n, day in enumerate(days):
            applicant = self._citizens(FAMILY_IDS + n, 1, female=None)[0]
            relation = "self" if self.rng.random() < 0.2 else "family"
            surname = applicant.name.split()[-1]
            member = applicant.name if relation == "self" else f"{self.rng.choice(FEMALE + MALE)} {surname}"
            born = date(self.rng.randint(1935, 1958), self.rng.randint(1, 12), self.rng.randint(1, 28))
            while (member, born) in identities:
                born += timedelta(days=1)
            identities.add((member, born))
            phone = f"+90532{self.rng.randint(1_000_000, 9_999_999)}" if self.rng.random() < 0.25 else None
            form = _Application(applicant, relation, member, born, phone)
            applied = self.local(day, self.rng.randint(9, 20), self.rng.choice((0, 15, 30, 45)))
            self.at(applied, lambda s, now, i=n, f=form: self._apply(s, now, i, centre_id, f))
            decided = applied + timedelta(days=self.rng.randint(1, 6), hours=2)
            if n < count - 1 and decided < self.limit:
                decisions.append((n, decided))
            else:
                self.tally.members["pending"] += 1
        declined = self.rng.randrange(len(decisions)) if decisions else -1
        for position, (n, decided) in enumerate(decisions):
            approve = position != declined
            self.at(decided, lambda s, now, i=n, ok=approve: self._decide(s, now, i, centre_id, ok))

    async def _apply(self, session: AsyncSession, now: datetime, n: int, centre_id: str, form: _Application) -> None:
        person = await self._person(session, form.applicant, now)
        person.health_consent_at = now  # given on the consent screen just before applying
        person.phone = form.phone
        membership = await memberships.apply(
            session, person=person, centre_id=centre_id, relation=form.relation, member_name=form.member,
            birth_date=form.born, contact_preference="phone" if form.phone else "telegram", secret=self.secret, now=now,
        )
        self.membership_ids[n] = membership.id

    async def _decide(self, session: AsyncSession, now: datetime, n: int, centre_id: str, approve: bool) -> None:
        decision = await memberships.decide(
            session, self.actor_for_centre(centre_id), membership_id=self.membership_ids[n], approve=approve,
            reason=None if approve else DECLINE_REASON, zone=self.zone, now=now,
        )
        await notices.queue(session, filter(None, [decision.notice]), zone=self.zone, now=now)
        self.tally.members["approved" if approve else "declined"] += 1

    # --- result ----------------------------------------------------------------------------

    def summary(self) -> StaffActivitySummary:
        t = self.tally
        return StaffActivitySummary(
            staff_members=len(self.actors),
            children_youth_events=t.held["children_youth"], gender_trainings=t.held["gender_training"],
            women_events=t.held["women"], disability_activities=t.held["disability_activity"],
            disability_beneficiaries=len(t.beneficiaries), ageing_courses=t.held["healthy_ageing_course"],
            upcoming_events=t.upcoming, cancelled_events=t.cancelled, registrations=t.registrations,
            attendance_records=t.attendance, aid_students=t.aid_added - t.aid_corrections, aid_repeats=t.aid_repeats,
            aid_corrections=t.aid_corrections, youth_centres_completed=t.milestones["4.2.1"],
            women_centres_completed=t.milestones["4.2.6"], members_approved=t.members["approved"],
            members_declined=t.members["declined"], members_pending=t.members["pending"],
        )
