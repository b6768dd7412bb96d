"""The staff-side services on SQLite and PostgreSQL: invites, capacity under concurrency,
waiting list, reminders, attendance, invitations, aid, milestones and memberships."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from tests_staff_support import NOW, SECRET, TODAY, make_person

from bot.chat import notices
from services import (
    attendance,
    entries,
    events,
    invites,
    memberships,
    registrations,
    roles,
)
from services.invitations import InviteContext
from services.refusal import Refusal
from storage.models import (
    Attendance,
    AuditEntry,
    Event,
    IndicatorEntry,
    Invite,
    OutboxMessage,
    Registration,
    SurveyInvitationRecord,
)
from storage.repositories import entries as entry_store
from surveys.definition import load_shipped

ZONE = ZoneInfo("Europe/Istanbul")


async def _event(db, crew, *, capacity: int | None = 20, hours: float = 48, kind: str = "women", centre: str = "konak-kadin") -> int:
    async with db.sessions.begin() as session:
        event = await events.create(
            session, crew.admin,
            events.Draft(type=kind, centre_id=centre, title="Atölye", starts_at=NOW + timedelta(hours=hours),
                         place="Salon", capacity=capacity, audience="everyone", language="tr"),
            publish=True, now=NOW,
        )
        return event.id


async def _outbox(db, prefix: str) -> list[OutboxMessage]:
    async with db.sessions() as session:
        rows = await session.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(prefix + "%")))
        return list(rows.scalars())


async def test_an_invite_is_stored_as_a_hash_and_works_once(db, crew) -> None:
    async with db.sessions.begin() as session:
        made = await invites.create(session, role="staff", centre_id="buca-engelli", hours=72, actor="cli:it", now=NOW)
        stored = (await session.execute(select(Invite.code_hash))).scalars().all()
        assert made.code not in stored and invites.code_hash(made.code) in stored
        assert made.link("kentbot").startswith("https://t.me/kentbot?start=inv_")
        await invites.redeem(session, code=made.code, telegram_user_id=8100, display_name="Ali", language="tr", now=NOW)
        with pytest.raises(Refusal) as used:
            await invites.redeem(session, code=made.code, telegram_user_id=8101, display_name="Veli", language="tr", now=NOW)
        assert used.value.reason == "used"
        late = await invites.create(session, role="manager", centre_id=None, hours=1, actor="cli:it", now=NOW)
        with pytest.raises(Refusal) as expired:
            await invites.redeem(session, code=late.code, telegram_user_id=8102, display_name="Can", language="tr", now=NOW + timedelta(hours=2))
        assert expired.value.reason == "expired"
        assert await roles.current(session, 8102) is None
        with pytest.raises(Refusal):
            await invites.create(session, role="staff", centre_id=None, hours=1, actor="cli:it", now=NOW)


async def test_fifty_simultaneous_registrations_fill_twenty_places_exactly(db, crew) -> None:
    event_id = await _event(db, crew, capacity=20)
    async with db.sessions.begin() as session:
        people = [(await make_person(session, 20000 + n)).id for n in range(50)]

    async def one(person_id: int) -> None:
        async with db.sessions() as session, session.begin():
            await registrations.register(session, event_id=event_id, person_id=person_id, now=NOW)

    await asyncio.gather(*(one(p) for p in people))
    async with db.sessions() as session:
        counts = dict(
            (await session.execute(
                select(Registration.status, func.count()).where(Registration.event_id == event_id).group_by(Registration.status)
            )).all()
        )
        positions = (await session.execute(select(Registration.position).where(Registration.event_id == event_id))).scalars().all()
    assert counts == {"confirmed": 20, "waiting": 30}
    assert sorted(positions) == list(range(1, 51))


async def test_a_freed_place_goes_to_the_first_waiting_who_is_told(db, crew) -> None:
    event_id = await _event(db, crew, capacity=1)
    async with db.sessions.begin() as session:
        first, second, third = [await make_person(session, 21000 + n) for n in range(3)]
        for person in (first, second, third):
            await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        again = await registrations.register(session, event_id=event_id, person_id=first.id, now=NOW)
        assert not again.new
        promotion = await registrations.cancel(session, event_id=event_id, person_id=first.id, now=NOW)
        assert promotion is not None
        promoted = promotion.registration
        assert promoted.person_id == second.id and promoted.status == "confirmed"
        await notices.queue(session, [promotion.notice], zone=ZONE, now=NOW)
    told = await _outbox(db, "promoted:")
    assert [m.chat_id for m in told] == [21001]
    # A women's event: the notice names nothing and makes no sound; the detail is behind a button.
    assert told[0].payload["text"] == "Etkinlik kaydınızla ilgili yeni bir bilgi var."
    assert told[0].payload["disable_notification"] is True
    assert told[0].payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"v:n.p.{event_id}"


async def test_the_day_before_reminder_is_queued_once_across_runs(db, crew) -> None:
    # 25.11 09:00 UTC is 12:00 in İzmir; an event at 26.11 15:00 local is tomorrow.
    event_id = await _event(db, crew, hours=27)
    later = await _event(db, crew, hours=24 * 5)
    async with db.sessions.begin() as session:
        for n in range(3):
            person = await make_person(session, 22000 + n)
            await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
            await registrations.register(session, event_id=later, person_id=person.id, now=NOW)
    for _ in range(2):  # the job ticks again, as after a restart
        async with db.sessions.begin() as session:
            await notices.queue(session, await registrations.due_reminders(session, zone=ZONE, now=NOW), zone=ZONE, now=NOW)
    reminders = await _outbox(db, "reminder:")
    assert sorted(m.dedupe_key.split(":")[1] for m in reminders) == [str(event_id)] * 3
    assert reminders[0].payload["text"] == "Yarın saat 15:00'te bir etkinliğiniz var."  # neutral: a women's event

    # Moved to the day after tomorrow: reminded again the day before the new date, once.
    async with db.sessions.begin() as session:
        await notices.queue(session, await events.move(session, crew.konak, event_id, NOW + timedelta(hours=51), now=NOW), zone=ZONE, now=NOW)
    for _ in range(2):
        async with db.sessions.begin() as session:
            later_now = NOW + timedelta(days=1)
            await notices.queue(session, await registrations.due_reminders(session, zone=ZONE, now=later_now), zone=ZONE, now=later_now)
    again = [m for m in await _outbox(db, "reminder:") if m.dedupe_key.split(":")[1] == str(event_id)]
    assert len(again) == 6 and len({m.dedupe_key for m in again}) == 6


async def test_cancelling_or_moving_an_event_tells_everyone_registered(db, crew) -> None:
    event_id = await _event(db, crew, capacity=1)
    async with db.sessions.begin() as session:
        for n in range(2):
            person = await make_person(session, 23000 + n, language="en")
            await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        moved = await events.move(session, crew.konak, event_id, NOW + timedelta(days=3), now=NOW)
        assert await notices.queue(session, moved, zone=ZONE, now=NOW) == 2
        assert await notices.queue(session, await events.cancel(session, crew.konak, event_id, now=NOW), zone=ZONE, now=NOW) == 2
        with pytest.raises(Refusal):
            await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
    assert len(await _outbox(db, "event-moved:")) == 2
    cancelled = await _outbox(db, "event-cancelled:")
    assert len(cancelled) == 2 and cancelled[0].payload["text"] == "There is news about an event you registered for."


async def test_attendance_counts_distinct_people_and_makes_the_event_held(db, crew) -> None:
    first = await _event(db, crew, kind="disability_activity", centre="bornova-engelli", hours=1)
    second = await _event(db, crew, kind="disability_activity", centre="bornova-engelli", hours=1.5)
    context = InviteContext(SECRET, load_shipped(), NOW.astimezone(ZONE).date())
    async with db.sessions.begin() as session:
        person = await make_person(session, 24000)
        for event_id in (first, second):
            await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
            marked = await attendance.tick(session, crew.konak, event_id=event_id, person_id=person.id, secret=SECRET, now=NOW, invite=context)
            assert marked.present
            await notices.queue(session, filter(None, [marked.invitation]), zone=ZONE, now=NOW, bot_username="kentbot")
        assert (await attendance.walk_in(session, crew.konak, event_id=first, name="Ayşe  YILMAZ", secret=SECRET, now=NOW)).present
        # The same name again: staff are asked, and say it is the walk-in already recorded.
        again = await attendance.walk_in(session, crew.konak, event_id=first, name="ayse yilmaz", secret=SECRET, now=NOW)
        assert not again.present and len(again.choices) == 1
        chosen = await attendance.walk_in(
            session, crew.konak, event_id=first, name="ayse yilmaz", secret=SECRET, now=NOW, choice=again.choices[0].walkin_id
        )
        assert not chosen.present
        await attendance.set_headcount(session, crew.konak, event_id=second, count=15, now=NOW)
        distinct = (await session.execute(select(func.count(func.distinct(Attendance.beneficiary_key))))).scalar_one()
        statuses = (await session.execute(select(Event.status).where(Event.id.in_((first, second))))).scalars().all()
    assert distinct == 2 and statuses == ["held", "held"]
    invitations = await _outbox(db, "survey-invite:")
    assert len(invitations) == 1  # one per person per survey period, not per event
    assert "start=disability_centre__bornova-engelli" in str(invitations[0].payload["reply_markup"])
    assert "engel" not in invitations[0].payload["text"].lower()  # the topic is not named
    assert invitations[0].payload["disable_notification"] is True  # and, after a sensitive activity, makes no sound
    # What sent it is kept for the response rates: after an activity, at its centre.
    async with db.sessions() as session:
        record = await session.get(SurveyInvitationRecord, invitations[0].dedupe_key)
    assert record is not None and (record.source, record.centre_id, record.anonymous) == ("attendance", "bornova-engelli", False)
    assert record.invited_on == NOW.astimezone(ZONE).date() and record.started_on is None


async def test_an_opted_out_person_gets_no_invitation_and_untick_removes(db, crew) -> None:
    event_id = await _event(db, crew, kind="disability_activity", centre="bornova-engelli", hours=1)
    context = InviteContext(SECRET, load_shipped(), NOW.astimezone(ZONE).date())
    async with db.sessions.begin() as session:
        person = await make_person(session, 24100)
        person.survey_invites_opt_out_at = NOW
        await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        ticked = await attendance.tick(session, crew.konak, event_id=event_id, person_id=person.id, secret=SECRET, now=NOW, invite=context)
        assert ticked.present and ticked.invitation is None
        assert not (await attendance.tick(session, crew.konak, event_id=event_id, person_id=person.id, secret=SECRET, now=NOW, invite=context)).present
        assert (await session.execute(select(func.count()).select_from(Attendance))).scalar_one() == 0
    assert await _outbox(db, "survey-invite:") == []


def test_local_times_are_read_in_istanbul() -> None:
    parsed = events.parse_local("28.11.2026 14:00", ZONE)
    assert parsed is not None and parsed.isoformat() == "2026-11-28T11:00:00+00:00"
    assert events.parse_local("31.02.2026 14:00", ZONE) is None
    assert events.parse_local("yarın 14:00", ZONE) is None


async def test_aid_counts_a_student_once_a_year_and_corrections_add_rows(db, crew) -> None:
    async with db.sessions.begin() as session:
        valid, rejected = entries.parse_school_ids("1234\n 5678 ,1234\n12-34")
        assert valid == ["1234", "5678"] and rejected == ["12-34"]
        first = await entries.log_aid(session, crew.konak, centre_id="konak-kadin", occurred_on=date(2026, 11, 20), school_ids=valid, note=None, secret=SECRET, now=NOW, today=TODAY)
        again = await entries.log_aid(session, crew.konak, centre_id="konak-kadin", occurred_on=date(2026, 11, 21), school_ids=["1234", "9999"], note=None, secret=SECRET, now=NOW, today=TODAY)
        assert (first.added, first.already_counted, again.added, again.already_counted) == (2, 0, 1, 1)
        stored = (await session.execute(select(IndicatorEntry.beneficiary_key))).scalars().all()
        assert "1234" not in stored and entries.aid_key(SECRET, "1234", 2026) in stored
        wrong = (await entry_store.effective(session, "4.2.3"))[0]
        fixed = await entries.correct(session, crew.manager, entry_id=wrong.id, quantity=0, occurred_on=None, note=None, reason="mükerrer", now=NOW, today=TODAY)
        with pytest.raises(Refusal):
            await entries.correct(session, crew.manager, entry_id=wrong.id, quantity=1, occurred_on=None, note=None, reason="x", now=NOW, today=TODAY)
        effective = await entry_store.effective(session, "4.2.3")
        assert sum(e.quantity for e in effective) == 2 and fixed in effective and wrong not in effective
        assert (await session.execute(select(func.count()).select_from(IndicatorEntry))).scalar_one() == 4


async def test_a_correction_may_not_move_an_entry_into_the_future_nor_aid_out_of_its_year(db, crew) -> None:
    async with db.sessions.begin() as session:
        await entries.log_aid(session, crew.konak, centre_id="konak-kadin", occurred_on=date(2026, 1, 5), school_ids=["77"],
                              note=None, secret=SECRET, now=NOW, today=TODAY)
        milestone = await entries.add_milestone(session, crew.manager, code="4.2.1", centre_id="torbali-genclik",
                                                completed_on=date(2026, 1, 5), note="kabul", now=NOW, today=TODAY)
        aid = (await entry_store.effective(session, "4.2.3"))[0]
        refused = {}
        for entry, day in ((aid, TODAY + timedelta(days=1)), (milestone, TODAY + timedelta(days=1)), (aid, date(2025, 12, 31))):
            with pytest.raises(Refusal) as error:
                await entries.correct(session, crew.manager, entry_id=entry.id, quantity=1, occurred_on=day, note=None,
                                      reason="tarih", now=NOW, today=TODAY)
            refused[(entry.indicator_code, day)] = error.value.reason
        assert refused == {("4.2.3", TODAY + timedelta(days=1)): "future", ("4.2.1", TODAY + timedelta(days=1)): "future",
                           ("4.2.3", date(2025, 12, 31)): "year"}
        moved = await entries.correct(session, crew.manager, entry_id=milestone.id, quantity=1, occurred_on=date(2025, 12, 31),
                                      note=None, reason="tutanak tarihi", now=NOW, today=TODAY)
        kept = await entries.correct(session, crew.manager, entry_id=aid.id, quantity=1, occurred_on=TODAY, note=None,
                                     reason="dağıtım günü", now=NOW, today=TODAY)
        assert (moved.occurred_on, kept.occurred_on, kept.beneficiary_key) == (date(2025, 12, 31), TODAY, aid.beneficiary_key)


async def test_a_milestone_is_entered_once_per_centre(db, crew) -> None:
    async with db.sessions.begin() as session:
        await entries.add_milestone(session, crew.manager, code="4.2.1", centre_id="torbali-genclik", completed_on=date(2026, 11, 2), note="kabul", now=NOW, today=TODAY)
        with pytest.raises(Refusal) as twice:
            await entries.add_milestone(session, crew.manager, code="4.2.1", centre_id="torbali-genclik", completed_on=date(2026, 11, 3), note="kabul", now=NOW, today=TODAY)
        assert twice.value.reason == "duplicate"
        with pytest.raises(Refusal):
            await entries.add_milestone(session, crew.manager, code="4.2.6", centre_id="torbali-genclik", completed_on=date(2026, 11, 3), note="kabul", now=NOW, today=TODAY)


async def test_two_managers_entering_one_centre_at_once_make_one_milestone(db, crew) -> None:
    async def enter(day: int) -> str:
        try:
            async with db.sessions.begin() as session:
                await entries.add_milestone(session, crew.manager, code="4.2.6", centre_id="konak-kadin",
                                            completed_on=date(2026, 11, day), note="iskan", now=NOW, today=TODAY)
                # Not a wait: it widens the race the lock closes (without it both would have checked
                # before either commits); the outcome below must hold whatever the timing.
                await asyncio.sleep(0.05)
        except Refusal as error:
            return error.reason
        return "added"

    assert sorted(await asyncio.gather(enter(2), enter(3))) == ["added", "duplicate"]


async def test_memberships_catch_the_same_member_and_tell_the_applicant(db, crew) -> None:
    async with db.sessions.begin() as session:
        alice, bob = await make_person(session, 26000), await make_person(session, 26001, language="ar")
        with pytest.raises(Refusal) as no_consent:
            await memberships.apply(session, person=alice, centre_id="karsiyaka-alzheimer", relation="family", member_name="Hasan Demir", birth_date=date(1945, 5, 6), contact_preference="telegram", secret=SECRET, now=NOW)
        assert no_consent.value.reason == "consent"
        alice.health_consent_at = bob.health_consent_at = NOW
        first = await memberships.apply(session, person=alice, centre_id="karsiyaka-alzheimer", relation="family", member_name="Hasan Demir", birth_date=date(1945, 5, 6), contact_preference="telegram", secret=SECRET, now=NOW)
        with pytest.raises(Refusal) as twice:
            await memberships.apply(session, person=bob, centre_id="karsiyaka-alzheimer", relation="family", member_name="hasan  DEMİR", birth_date=date(1945, 5, 6), contact_preference="telegram", secret=SECRET, now=NOW)
        assert twice.value.reason == "duplicate"
        other = await memberships.apply(session, person=bob, centre_id="karsiyaka-alzheimer", relation="self", member_name="Leyla Ak", birth_date=date(1950, 1, 1), contact_preference="telegram", secret=SECRET, now=NOW)
        with pytest.raises(Refusal):
            await memberships.decide(session, crew.manager, membership_id=other.id, approve=False, reason=" ", zone=ZONE, now=NOW)
        for decision in (
            await memberships.decide(session, crew.manager, membership_id=first.id, approve=True, reason=None, zone=ZONE, now=NOW),
            await memberships.decide(session, crew.manager, membership_id=other.id, approve=False, reason="Adres il dışında", zone=ZONE, now=NOW),
        ):
            await notices.queue(session, [decision.notice], zone=ZONE, now=NOW)
        assert first.approved_on == date(2026, 11, 25) and other.approved_on is None
        actions = (await session.execute(select(AuditEntry.action).where(AuditEntry.object_type == "membership"))).scalars().all()
        assert sorted(actions) == ["membership.approve", "membership.decline"]
    told = await _outbox(db, "membership-decided:")
    assert {m.chat_id for m in told} == {26000, 26001}
    # Dementia is health data: the notices name neither the centre nor the member, nor the reason.
    assert not any("Adres il dışında" in m.payload["text"] or "Hasan" in m.payload["text"] for m in told)
    assert {m.payload["text"] for m in told} == {"Başvurunuzla ilgili yeni bir bilgi var.", "هناك معلومات جديدة عن طلبكم."}


async def test_someone_who_cancelled_can_register_again_and_queues_behind_those_already_waiting(db, crew) -> None:
    event_id = await _event(db, crew, capacity=1)
    async with db.sessions.begin() as session:
        first, second, third = [await make_person(session, 22000 + n) for n in range(3)]
        await registrations.register(session, event_id=event_id, person_id=first.id, now=NOW)
        assert await registrations.cancel(session, event_id=event_id, person_id=first.id, now=NOW) is None
        taken = await registrations.register(session, event_id=event_id, person_id=second.id, now=NOW)
        waiting = await registrations.register(session, event_id=event_id, person_id=third.id, now=NOW)
        back = await registrations.register(session, event_id=event_id, person_id=first.id, now=NOW + timedelta(minutes=5))
        assert back.new and back.registration.status == "waiting"
        assert taken.registration.status == "confirmed" and waiting.registration.status == "waiting"
        assert back.registration.position > waiting.registration.position
        assert back.registration.created_at == NOW + timedelta(minutes=5)
        # One row per person and event, whatever they did before.
        rows = (await session.execute(select(Registration).where(Registration.event_id == event_id))).scalars().all()
        assert sorted((r.person_id, r.status) for r in rows) == sorted(
            [(first.id, "waiting"), (second.id, "confirmed"), (third.id, "waiting")]
        )


async def test_someone_who_cancelled_a_place_that_is_still_free_gets_it_back(db, crew) -> None:
    event_id = await _event(db, crew, capacity=5)
    async with db.sessions.begin() as session:
        person = await make_person(session, 22100)
        await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        await registrations.cancel(session, event_id=event_id, person_id=person.id, now=NOW)
        again = await registrations.register(session, event_id=event_id, person_id=person.id, now=NOW)
        assert again.new and again.registration.status == "confirmed"
        await registrations.cancel(session, event_id=event_id, person_id=person.id, now=NOW)
        with pytest.raises(Refusal):
            await registrations.cancel(session, event_id=event_id, person_id=person.id, now=NOW)


async def test_aid_counts_a_student_again_in_the_year_the_aid_was_given_not_the_year_it_was_entered(db, crew) -> None:
    """The once-a-year rule follows the date of the aid: late December aid entered in January
    still counts for the old year, and January aid counts the same student again."""
    january = date(2027, 1, 2)

    async def log(occurred_on: date, *school_ids: str) -> entries.AidResult:
        return await entries.log_aid(
            session, crew.konak, centre_id="konak-kadin", occurred_on=occurred_on, school_ids=list(school_ids),
            note=None, secret=SECRET, now=NOW, today=january,
        )

    async with db.sessions.begin() as session:
        december = await log(date(2026, 12, 30), "1234")
        new_year = await log(january, "1234")
        late_entry = await log(date(2026, 12, 31), "1234")
        assert (december.added, new_year.added, late_entry.added, late_entry.already_counted) == (1, 1, 0, 1)
        stored = set((await session.execute(select(IndicatorEntry.beneficiary_key))).scalars().all())
    assert entries.aid_key(SECRET, "1234", 2026) != entries.aid_key(SECRET, "1234", 2027)
    assert stored == {entries.aid_key(SECRET, "1234", 2026), entries.aid_key(SECRET, " 1234 ", 2027)}
