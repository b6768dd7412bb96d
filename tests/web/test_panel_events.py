"""The events area of the panel over real HTTP: a month's calendar of the member's centres'
events; an event's roll call ticked on the web through the chat's own tick, so the person is
present, the event held, the audit entry the chat's (marked as made on the web) and the survey
invitation queued in the outbox exactly as a tick in chat queues it (compared with one made in
chat through the Bot API emulator); taking the tick back reverts; staff of another centre and
a form without its token are refused and change nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from panel_support import (  # noqa: F401  (panel, served: fixtures)
    csrf_in,
    join,
    panel,
    seed_centres,
    served,
    signed,
    women_event,
)
from sqlalchemy import func, select

from services import events, panel_access, registrations
from services.events import local_text
from services.roles import actor_for
from storage.models import (
    Attendance,
    AuditEntry,
    Event,
    OutboxMessage,
    Person,
    StaffMember,
    SurveyInvitationRecord,
)
from tests.messages import has_button, says

ISTANBUL = ZoneInfo("Europe/Istanbul")
# The calendar's today: a Wednesday in the middle of May 2026, in İstanbul.
TODAY = datetime(2026, 5, 13, 9, 0, tzinfo=ISTANBUL)
BEFORE = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)  # when the events were planned
_CELL = re.compile(r'<td data-day="([0-9-]+)"([^>]*)>(.*?)</td>', re.S)
_LINK = re.compile(r'<a href="(/panel/etkinlikler/(\d+))" data-event="\d+">')


def cells(page: str) -> dict[str, tuple[str, list[int]]]:
    """Each day of the calendar's month: its cell's attributes and the events it links to."""
    return {
        day: (attributes, [int(found) for _, found in _LINK.findall(body)])
        for day, attributes, body in _CELL.findall(page)
    }


def linked(cells_found: dict[str, tuple[str, list[int]]]) -> dict[str, list[int]]:
    return {day: ids for day, (_, ids) in cells_found.items() if ids}


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ISTANBUL)


def _disability_event(starts_at: datetime, title: str = "Spor", capacity: int | None = None) -> events.Draft:
    return events.Draft(
        type="disability_activity",
        centre_id="buca-engelli",
        title=title,
        place="Salon",
        starts_at=starts_at,
        capacity=capacity,
        audience="disabled",
        language="tr",
    )


async def test_the_calendar_shows_this_months_events_of_the_members_centres_and_links_to_them(served) -> None:
    served.clock.set(TODAY)
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        staff = await join(session, "staff", "konak-kadin", 9801, BEFORE)
        manager = await join(session, "manager", None, 9802, BEFORE)
        admin = await actor_for(session, manager)

        async def made(draft: events.Draft, publish: bool = True) -> int:
            return (await events.create(session, admin, draft, publish=publish, now=BEFORE)).id

        ids = {
            # 1 May 01:30 in İstanbul is still 30 April in UTC: it is the 1st's.
            "first": await made(women_event("konak-kadin", _local(2026, 5, 1, 1, 30), "Gece")),
            "today": await made(women_event("konak-kadin", _local(2026, 5, 13, 14), "Bugün")),
            "today_later": await made(women_event("konak-kadin", _local(2026, 5, 13, 17), "Akşam")),
            "draft": await made(women_event("konak-kadin", _local(2026, 5, 28, 10), "Taslak"), publish=False),
            "cancelled": await made(women_event("konak-kadin", _local(2026, 5, 20, 10), "İptal")),
            "other_centre": await made(_disability_event(_local(2026, 5, 20, 11))),
            "april": await made(women_event("konak-kadin", _local(2026, 4, 30, 23, 30), "Nisan")),
            "june": await made(women_event("konak-kadin", _local(2026, 6, 1, 0, 0), "Haziran")),
        }
        await events.cancel(session, admin, ids["cancelled"], now=BEFORE)
    staff_headers = signed(await served.session_of(staff.id))

    listing = await served.client.get("/panel/etkinlikler", headers=staff_headers)
    assert 'href="/panel/etkinlikler/takvim"' in listing.text
    page = await served.client.get("/panel/etkinlikler/takvim", headers=staff_headers)
    assert page.status_code == 200 and 'data-month="2026-05"' in page.text
    assert 'href="/panel/etkinlikler"' in page.text
    days = cells(page.text)
    assert len(days) == 31
    assert linked(days) == {
        "2026-05-01": [ids["first"]],
        "2026-05-13": [ids["today"], ids["today_later"]],
        "2026-05-28": [ids["draft"]],
    }
    assert [day for day, (attributes, _) in days.items() if 'aria-current="date"' in attributes] == ["2026-05-13"]
    assert "Bugün" in page.text and "(taslak)" in page.text

    for path, event_id in _LINK.findall(page.text):
        event_page = await served.client.get(path, headers=staff_headers)
        assert event_page.status_code == 200 and f'data-event="{event_id}"' in event_page.text
        assert 'href="/panel/etkinlikler/takvim?yil=2026&amp;ay=5"' in event_page.text

    following = re.search(r'<a rel="next" href="([^"]+)">', page.text)
    earlier = re.search(r'<a rel="prev" href="([^"]+)">', page.text)
    assert following is not None and earlier is not None
    june = await served.client.get(following.group(1).replace("&amp;", "&"), headers=staff_headers)
    assert 'data-month="2026-06"' in june.text and linked(cells(june.text)) == {"2026-06-01": [ids["june"]]}
    assert 'aria-current="date"' not in june.text
    assert 'href="/panel/etkinlikler/takvim?yil=2026&amp;ay=5">' in june.text  # back to this month
    april = await served.client.get(earlier.group(1).replace("&amp;", "&"), headers=staff_headers)
    assert linked(cells(april.text)) == {"2026-04-30": [ids["april"]]}

    manager_page = await served.client.get(
        "/panel/etkinlikler/takvim?yil=2026&ay=5", headers=signed(await served.session_of(manager.id))
    )
    assert linked(cells(manager_page.text))["2026-05-20"] == [ids["other_centre"]]
    other_centre = await served.client.get(f"/panel/etkinlikler/{ids['other_centre']}", headers=staff_headers)
    assert other_centre.status_code == 403

    for query in ("ay=13", "ay=0", "ay=%C2%B2", "ay=5.0", "yil=1999&ay=5", "yil=%D9%A2%D9%A0%D9%A2%D9%A6"):
        wrong = await served.client.get(f"/panel/etkinlikler/takvim?{query}", headers=staff_headers)
        assert wrong.status_code == 400 and "Adresteki sayı geçersiz" in wrong.text, query


async def _session_of(services, staff_id: int, now: datetime) -> dict[str, str]:
    """A signed-in member's headers, through the service a bot's /panel link leads to."""
    async with services.sessions.begin() as session:
        member = await session.get(StaffMember, staff_id)
        assert member is not None
        link = await panel_access.issue_link(session, await actor_for(session, member), now)
        token = await panel_access.redeem_link(session, link, now)
    assert token is not None
    return signed(token)


async def _person(session, user_id: int, name: str, now: datetime) -> Person:
    person = Person(
        citizen_key=f"citizen-{user_id}", telegram_user_id=user_id, display_name=name, language="tr", created_at=now
    )
    session.add(person)
    await session.flush()
    return person


async def _rows(services, model, *where, order=None) -> list:
    async with services.sessions() as session:
        statement = select(model).where(*where).order_by(order if order is not None else model.id)
        return list((await session.execute(statement)).scalars())


async def _tick(client, headers: dict[str, str], event_id: int, person_id: int, present: str):
    page = await client.get(f"/panel/etkinlikler/{event_id}", headers=headers)
    return await client.post(
        f"/panel/etkinlikler/{event_id}/yoklama",
        headers=headers,
        data={"csrf": csrf_in(page.text), "person": str(person_id), "present": present},
    )


async def test_a_tick_on_the_web_does_what_a_tick_in_chat_does_and_taking_it_back_reverts(panel) -> None:
    services = panel.live.services
    now = panel.clock()
    async with services.sessions.begin() as session:
        await seed_centres(session)
        staff = await join(session, "staff", "buca-engelli", 9811, now)
        event = await events.create(
            session, await actor_for(session, staff), _disability_event(now + timedelta(hours=1)), publish=True, now=now
        )
        in_chat = await _person(session, 78110, "Ayşe Demir", now)
        on_web = await _person(session, 78111, "Fatma Kaya", now)
        for person in (in_chat, on_web):
            await registrations.register(session, event_id=event.id, person_id=person.id, now=now)

    # In chat: the staff member's roll call, as chat shows it.
    member = panel.live.citizen(9811, "tr", first_name="Zeynep")
    await member.send("/etkinliklerim")
    await member.wait_for(says("Etkinlikler:"))
    await member.press(f"{local_text(event.starts_at, services.zone)} · {event.title}")
    await member.wait_for(has_button("Yoklama"))
    await member.press("Yoklama")
    await member.wait_for(has_button("⬜ Ayşe Demir"))
    await member.press("⬜ Ayşe Demir")
    await member.wait_for(has_button("✅ Ayşe Demir"))

    # On the web: the same roll call, names as chat shows them, and a tick.
    headers = await _session_of(services, staff.id, panel.clock())
    page = await panel.client.get(f"/panel/etkinlikler/{event.id}", headers=headers)
    assert re.findall(r'data-person="(\d+)" data-present="(true|false)"', page.text) == [
        (str(in_chat.id), "true"),
        (str(on_web.id), "false"),
    ]
    assert "Ayşe Demir" in page.text and "Fatma Kaya" in page.text
    ticked = await _tick(panel.client, headers, event.id, on_web.id, "1")
    assert ticked.status_code == 303 and ticked.headers["location"].startswith(f"/panel/etkinlikler/{event.id}")

    records = await _rows(
        services,
        AuditEntry,
        AuditEntry.object_type == "event",
        AuditEntry.object_id == str(event.id),
        AuditEntry.action.like("attendance.%"),
    )
    assert [(e.action, e.actor) for e in records] == [
        ("attendance.record", f"staff:{staff.id}"),
        ("attendance.record", f"web:staff:{staff.id}"),
    ]
    assert [(a.person_id, a.kind, a.recorded_by) for a in await _rows(services, Attendance)] == [
        (in_chat.id, "registered", staff.id),
        (on_web.id, "registered", staff.id),
    ]
    held = (await _rows(services, Event, Event.id == event.id))[0]
    assert held.status == "held" and held.held_at is not None

    # The two invitations queued, one by each tick: the same message, to each person.
    queued = await _rows(services, OutboxMessage, OutboxMessage.kind == "survey_invitation")
    assert [m.chat_id for m in queued] == [78110, 78111]
    from_chat, from_web = queued
    assert from_web.payload == from_chat.payload
    assert (from_web.kind, from_web.expires_at) == (from_chat.kind, from_chat.expires_at)
    assert [m.dedupe_key.rsplit(":", 1)[-1] for m in queued] == [str(in_chat.id), str(on_web.id)]
    link = from_web.payload["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link.startswith(f"https://t.me/{panel.live.application.bot.username}?start=")
    recorded = await _rows(services, SurveyInvitationRecord, order=SurveyInvitationRecord.dedupe_key)
    assert sorted(r.dedupe_key for r in recorded) == sorted(m.dedupe_key for m in queued)
    assert {(r.survey_id, r.anonymous, r.period, r.source, r.centre_id, r.invited_on) for r in recorded} == {
        (
            "disability_centre",
            False,
            recorded[0].period,
            "attendance",
            "buca-engelli",
            now.astimezone(services.zone).date(),
        )
    }

    # Sent twice, a tick changes nothing more; taking both back on the web publishes the event again.
    again = await _tick(panel.client, headers, event.id, on_web.id, "1")
    assert again.status_code == 303
    for person in (on_web, in_chat):
        assert (await _tick(panel.client, headers, event.id, person.id, "0")).status_code == 303
    assert (await _tick(panel.client, headers, event.id, in_chat.id, "0")).status_code == 303
    records = await _rows(
        services,
        AuditEntry,
        AuditEntry.object_type == "event",
        AuditEntry.object_id == str(event.id),
        AuditEntry.action.like("attendance.%"),
    )
    assert [(e.action, e.actor, e.after) for e in records[2:]] == [
        ("attendance.remove", f"web:staff:{staff.id}", {"status": "held"}),
        ("attendance.remove", f"web:staff:{staff.id}", {"status": "published"}),
    ]
    reverted = (await _rows(services, Event, Event.id == event.id))[0]
    assert (reverted.status, reverted.held_at) == ("published", None)
    assert await _rows(services, Attendance) == []
    assert len(await _rows(services, OutboxMessage, OutboxMessage.kind == "survey_invitation")) == 2
    page = await panel.client.get(f"/panel/etkinlikler/{event.id}", headers=headers)
    assert re.findall(r'data-present="(true|false)"', page.text) == ["false", "false"]


async def _counts(services) -> tuple[int, ...]:
    async with services.sessions() as session:
        return tuple(
            [
                (await session.execute(select(func.count()).select_from(model))).scalar_one()
                for model in (Attendance, AuditEntry, OutboxMessage, SurveyInvitationRecord)
            ]
        )


async def test_staff_of_another_centre_and_a_form_without_its_token_change_nothing(served) -> None:
    services = served.services
    now = served.clock()
    async with services.sessions.begin() as session:
        await seed_centres(session)
        konak = await join(session, "staff", "konak-kadin", 9821, now)
        buca = await join(session, "staff", "buca-engelli", 9822, now)
        draft = women_event("konak-kadin", now + timedelta(hours=1))
        event = await events.create(
            session, await actor_for(session, konak), replace(draft, capacity=1), publish=True, now=now
        )
        registered = await _person(session, 88123401, "Ayşe Demir", now)
        waiting = await _person(session, 88123402, "Zehra Waitinglist", now)
        stranger = await _person(session, 88123403, "Kayıtsız Kişi", now)
        for person in (registered, waiting):
            await registrations.register(session, event_id=event.id, person_id=person.id, now=now)
    own, other = await served.session_of(konak.id), await served.session_of(buca.id)
    page = await served.client.get(f"/panel/etkinlikler/{event.id}", headers=signed(own))

    # The roll call shows the confirmed place by name; the waiting list, as in chat, only counts.
    assert re.findall(r'data-person="(\d+)"', page.text) == [str(registered.id)]
    assert "Ayşe Demir" in page.text and "Zehra" not in page.text and "88123401" not in page.text
    assert re.search(r'id="waiting-summary" data-value="1"', page.text)
    csrf = csrf_in(page.text)
    before = await _counts(services)

    def form(person: Person, present: str = "1", token: str | None = csrf) -> dict[str, str]:
        fields = {"person": str(person.id), "present": present}
        return fields if token is None else {"csrf": token, **fields}

    path = f"/panel/etkinlikler/{event.id}/yoklama"
    other_csrf = csrf_in((await served.client.get("/panel/", headers=signed(other))).text)
    refused = [
        await served.client.post(path, headers=signed(other), data=form(registered, token=other_csrf)),
        await served.client.post(path, headers=signed(own), data=form(registered, token=None)),
        await served.client.post(path, headers=signed(own), data=form(registered, token=other_csrf)),
        await served.client.post(path, data=form(registered)),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 401]
    wrong = {
        "present": await served.client.post(path, headers=signed(own), data=form(registered, present="yes")),
        "person": await served.client.post(path, headers=signed(own), data={**form(registered), "person": "²"}),
        "stranger": await served.client.post(path, headers=signed(own), data=form(stranger)),
    }
    assert {name: r.status_code for name, r in wrong.items()} == {"present": 400, "person": 400, "stranger": 400}
    assert "satırındaki düğmeye basın" in wrong["person"].text
    assert "onaylı kaydı yok" in wrong["stranger"].text and 'id="roll-call-error"' in wrong["stranger"].text
    assert await _counts(services) == before
    unchanged = (await _rows(services, Event, Event.id == event.id))[0]
    assert (unchanged.status, unchanged.held_at) == ("published", None)

    # A women's event owes no survey invitation: the tick needs no word from Telegram.
    ticked = await served.client.post(path, headers=signed(own), data=form(registered))
    assert ticked.status_code == 303
    assert (await _rows(services, Event, Event.id == event.id))[0].status == "held"
    assert [(a.person_id, a.kind) for a in await _rows(services, Attendance)] == [(registered.id, "registered")]
    assert await _rows(services, OutboxMessage) == []


async def test_a_tick_owing_an_invitation_is_not_saved_while_the_bots_username_is_unknown(served) -> None:
    """The served site's Telegram cannot be reached, so the invitation's link cannot name the bot:
    the tick is refused with a message and nothing is written, rather than queue a broken link."""
    services = served.services
    now = served.clock()
    async with services.sessions.begin() as session:
        await seed_centres(session)
        staff = await join(session, "staff", "buca-engelli", 9831, now)
        event = await events.create(
            session, await actor_for(session, staff), _disability_event(now + timedelta(hours=1)), publish=True, now=now
        )
        person = await _person(session, 88123501, "Ayşe Demir", now)
        await registrations.register(session, event_id=event.id, person_id=person.id, now=now)
    headers = signed(await served.session_of(staff.id))
    before = await _counts(services)
    refused = await _tick(served.client, headers, event.id, person.id, "1")
    assert refused.status_code == 503 and "kullanıcı adı öğrenilemediği" in refused.text
    assert await _counts(services) == before
    assert (await _rows(services, Event, Event.id == event.id))[0].status == "published"
