"""Staff and citizens through the real bot over real HTTP to the emulator: an invite, the staff
menu, an event created in chat, a citizen registering, attendance, revocation, membership."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests_staff_support import join

from bot.app import prepare_database
from bot.chat import menus
from services import attendance, invites
from services.events import local_text
from storage.centres import load_centres
from storage.models import (
    Attendance,
    AuditEntry,
    Event,
    Membership,
    Person,
    Registration,
    StaffMember,
)
from storage.repositories import centres
from tests.messages import has_button, says
from tests.waiting import eventually


async def _menu(live_bot, user_id: int, *, staff: bool) -> list[str]:
    """The user's command menu once it shows (or stops showing) the staff commands."""
    async def menu() -> list[str] | None:
        names = [c["command"] for c in (await live_bot.emulator.commands(user_id))["commands"]]
        return names if ("etkinlik_yeni" in names) == staff else None

    return await eventually(menu, f"the menu of {user_id} to {'show' if staff else 'hide'} the staff commands")


async def _forge(live_bot, user_id: int, data: str) -> None:
    """A button press nobody was shown, as a tampering client would send it; returns once the
    bot has answered it (it answers a press last, when the turn is done)."""

    async def answers() -> int:
        return (await live_bot.emulator.metrics())["method_calls"].get("answerCallbackQuery", 0)

    before = await answers()
    await live_bot.emulator.inject_update(
        {
            "callback_query": {
                "id": f"forged-{user_id}-{data}",
                "from": {"id": user_id, "is_bot": False, "first_name": "Mallory"},
                "chat_instance": "1",
                "data": data,
                "message": {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"}},
            }
        }
    )

    async def answered() -> bool:
        return await answers() > before

    await eventually(answered, f"the bot to answer the forged press {data}")


async def _invite(live_bot, role: str, centre: str | None) -> str:
    services = live_bot.services
    async with services.sessions.begin() as session:
        made = await invites.create(session, role=role, centre_id=centre, hours=72, actor="cli:test", now=services.clock())
    return made.code


async def _onboard(user) -> None:
    await user.send("/start")
    await _choose_turkish_and_consent(user)
    await user.wait_for(says("Hangi hizmeti"))


async def _choose_turkish_and_consent(user) -> None:
    await user.wait_for(has_button("Türkçe"))
    await user.press("Türkçe")
    await user.wait_for(has_button("Evet, onaylıyorum"))
    await user.press("Evet, onaylıyorum")


async def test_staff_create_an_event_a_citizen_registers_and_attendance_makes_it_held(live_bot, db) -> None:
    staff = live_bot.citizen(7101, "tr", first_name="Zeynep")
    citizen = live_bot.citizen(7102, "tr", first_name="Ayşe")
    await citizen.send("/etkinlik_yeni")
    await citizen.wait_for(says("yalnızca belediye personeli"))

    await staff.send(f"/start inv_{await _invite(live_bot, 'staff', 'konak-kadin')}")
    await staff.wait_for(says("Hoş geldiniz, Zeynep"))
    assert "etkinlikler" in await _menu(live_bot, staff.user_id, staff=True)
    citizen_menu = await live_bot.emulator.commands(citizen.user_id)
    assert "etkinlik_yeni" not in [c["command"] for c in citizen_menu["commands"]]

    await staff.send("/etkinlik_yeni")
    await staff.wait_for(has_button("Kadınlara yönelik etkinlik"))
    await staff.press("Kadınlara yönelik etkinlik")
    await staff.wait_for(has_button("Konak Kadın Danışma ve Eğitim Merkezi"))
    await staff.press("Konak Kadın Danışma ve Eğitim Merkezi")
    await staff.wait_for(says("adını yazın"))
    await staff.send("Kendini ifade atölyesi")
    await staff.wait_for(says("Tarih ve saati"))
    await staff.send("31.02.2026 14:00")
    await staff.wait_for(says("Tarih anlaşılamadı"))
    starts = live_bot.services.clock() + timedelta(minutes=61)
    await staff.send(local_text(starts, live_bot.services.zone))
    await staff.wait_for(says("Yeri yazın"))
    await staff.send("Konak, 2. kat salon")
    await staff.wait_for(has_button("Sınırsız"))
    await staff.send("iki")
    await staff.wait_for(says("Kapasite 1 ile 5000"))
    await staff.send("1")
    await staff.wait_for(has_button("Kadınlar"))
    await staff.press("Kadınlar")
    await staff.wait_for(has_button("English"))
    await staff.press("Türkçe")
    await staff.wait_for(has_button("Yayınla"))
    await staff.press("Yayınla")
    await staff.wait_for(says("Etkinlik yayınlandı"))
    async with db.sessions() as session:
        event = (await session.execute(select(Event))).scalar_one()
    assert (event.status, event.capacity, event.centre_id, event.created_by is not None) == ("published", 1, "konak-kadin", True)

    await _onboard(citizen)
    await citizen.send("/events")
    await citizen.wait_for(has_button("Kadınlara yönelik etkinlik"))
    await citizen.press("Kadınlara yönelik etkinlik")
    await citizen.wait_for(has_button("Konak Kadın Danışma ve Eğitim Merkezi"))
    await citizen.press("Konak Kadın Danışma ve Eğitim Merkezi")
    await citizen.wait_for(says("Yaklaşan etkinlikler"))
    label = f"{local_text(event.starts_at, live_bot.services.zone)} · {event.title}"
    await citizen.press(label)
    await citizen.wait_for(has_button("Kayıt ol"))
    await citizen.press("Kayıt ol")
    await citizen.wait_for(says("Etkinlik kaydı ve katılım için"))
    await citizen.press("Evet, onaylıyorum")
    await citizen.wait_for(says("Kaydınız alındı"))

    await staff.send("/etkinliklerim")
    await staff.wait_for(says("Etkinlikler:"))
    await staff.press(label)
    await staff.wait_for(has_button("Yoklama"))
    await staff.press("Yoklama")
    await staff.wait_for(has_button("⬜ Ayşe"))
    await staff.press("⬜ Ayşe")
    await staff.wait_for(has_button("✅ Ayşe"))
    async with db.sessions() as session:
        held = await session.get(Event, event.id)
        rows = (await session.execute(select(Attendance))).scalars().all()
        actions = (await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars().all()
    assert held is not None and held.status == "held"
    assert len(rows) == 1 and rows[0].kind == "registered"
    assert actions == ["staff.invite", "staff.join", "event.create", "event.publish", "attendance.record"]

    # A forged button from the citizen changes nothing, and revocation takes effect at once.
    await _forge(live_bot, citizen.user_id, f"m:cy.{event.id}")
    async with db.sessions.begin() as session:
        member = (await session.execute(select(StaffMember))).scalar_one()
        await invites.revoke(session, staff_id=member.id, actor="cli:test", now=live_bot.services.clock())
    await _forge(live_bot, staff.user_id, f"m:cy.{event.id}")
    await staff.send("/etkinliklerim")
    await staff.wait_for(says("yalnızca belediye personeli"))
    async with db.sessions() as session:
        assert (await session.get(Event, event.id)).status == "held"  # type: ignore[union-attr]
    assert await menus.sync(live_bot.services, live_bot.application.bot) == 1
    await _menu(live_bot, staff.user_id, staff=False)


async def test_a_family_member_applies_for_membership_and_staff_decide(live_bot, db) -> None:
    daughter = live_bot.citizen(7201, "tr", first_name="Elif")
    manager = live_bot.citizen(7202, "tr", first_name="Murat")
    await _onboard(daughter)
    await daughter.send("/uye")
    await daughter.wait_for(says("Üyelik başvurusu için"))
    await daughter.press("Evet, onaylıyorum")
    await daughter.wait_for(has_button("Bir yakınım için"))
    await daughter.press("Bir yakınım için")
    await daughter.wait_for(says("adını ve soyadını"))
    await daughter.send("Hasan Demir")
    await daughter.wait_for(says("doğum tarihini"))
    await daughter.send("1945-05-06")
    await daughter.wait_for(says("Tarih anlaşılamadı"))
    await daughter.send("06.05.1945")
    await daughter.wait_for(has_button("Telefonla"))
    await daughter.press("Telefonla")
    await daughter.wait_for(says("Telefon numaranızı"))
    await daughter.send("0532 123 45 67")
    await daughter.wait_for(has_button("Evet, onaylıyorum"))
    await daughter.press("Evet, onaylıyorum")
    await daughter.wait_for(says("Başvurunuz alındı"))

    await manager.send(f"/start inv_{await _invite(live_bot, 'manager', None)}")
    await manager.wait_for(says("Hoş geldiniz"))
    await manager.send("/basvurular")
    await manager.wait_for(has_button("Reddet"))
    await manager.press("Reddet")
    await manager.wait_for(says("Ret gerekçesini"))
    await manager.send("Aynı kişi için merkezde kayıt var")
    await manager.wait_for(says("Reddedildi"))
    async with db.sessions() as session:
        membership = (await session.execute(select(Membership))).scalar_one()
        person = await session.get(Person, membership.person_id)
    assert (membership.status, membership.relation, membership.contact_preference) == ("declined", "family", "phone")
    assert person is not None and person.health_consent_at is not None and person.phone == "05321234567"

    # The same member registered again while the first is live is caught; after a decline it is allowed.
    # The decision's notice (with its own button) may arrive at any moment: press by message.
    await daughter.send("/uye")
    shown = await daughter.wait_for(has_button("Kendim için"))
    await daughter.press("Kendim için", message_id=shown["message_id"])
    await daughter.wait_for(says("adını ve soyadını"))
    await daughter.send("hasan demir")
    await daughter.wait_for(says("doğum tarihini"))
    await daughter.send("06.05.1945")
    shown = await daughter.wait_for(has_button("Telegram'dan"))
    await daughter.press("Telegram'dan", message_id=shown["message_id"])
    shown = await daughter.wait_for(has_button("Hayır, onaylamıyorum"))
    await daughter.press("Hayır, onaylamıyorum", message_id=shown["message_id"])
    await daughter.wait_for(says("Başvuru alınmadı"))
    async with db.sessions() as session:
        assert len((await session.execute(select(Membership))).scalars().all()) == 1


async def test_a_full_event_puts_the_citizen_on_the_waiting_list(live_bot, db) -> None:
    services = live_bot.services
    async with services.sessions.begin() as session:
        await session.execute(select(Event))  # centres are synced by post_init
        session.add(Event(centre_id="konak-kadin", type="women", title="Dolu atölye", starts_at=services.clock() + timedelta(days=2),
                          place="Salon", capacity=1, audience="women", language="tr", status="published", created_at=services.clock()))
    first, second = live_bot.citizen(7301, "tr", first_name="Nur"), live_bot.citizen(7302, "tr", first_name="Sema")
    async with services.sessions() as session:
        event_id = (await session.execute(select(Event.id))).scalar_one()
    for user in (first, second):
        await _onboard(user)
        await user.send("/events")
        await user.wait_for(has_button("Hepsi"))
        await user.press("Hepsi")
        await user.wait_for(has_button("Tüm merkezler"))
        await user.press("Tüm merkezler")
        await user.wait_for(says("Yaklaşan etkinlikler"))
        await user.press(callback_data=f"v:e.{event_id}")
        await user.wait_for(has_button("Kayıt ol"))
        await user.press("Kayıt ol")
        await user.wait_for(says("Etkinlik kaydı ve katılım için"))
        await user.press("Evet, onaylıyorum")
    await first.wait_for(says("Kaydınız alındı"))
    await second.wait_for(says("Bekleme listesine alındınız"))
    async with services.sessions() as session:
        statuses = (await session.execute(select(Registration.status).order_by(Registration.id))).scalars().all()
    assert statuses == ["confirmed", "waiting"]


async def test_every_start_shows_staff_the_commands_of_this_version(live_bot, db) -> None:
    manager = live_bot.citizen(7301, "tr", first_name="Murat")
    await manager.register()
    async with db.sessions.begin() as session:
        member = await join(session, "manager", None, manager.user_id, live_bot.services.clock())
        member.menu_shown = True  # set by an earlier version, which had fewer commands
    assert await menus.sync(live_bot.services, live_bot.application.bot) == 0
    await prepare_database(live_bot.services)  # what every start does
    assert await menus.sync(live_bot.services, live_bot.application.bot) == 1
    names = await _menu(live_bot, manager.user_id, staff=True)
    assert {"asama", "duzelt", "rapor"} <= set(names)


async def _published(live_bot, db, title: str, starts_in: timedelta) -> Event:  # type: ignore[no-untyped-def]
    """A women's-centre event open for registration, as staff would have published it."""
    now = live_bot.services.clock()
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        event = Event(centre_id="konak-kadin", type="women", title=title, starts_at=now + starts_in,
                      language="tr", status="published", created_at=now)
        session.add(event)
    return event


async def test_a_qr_check_in_before_consent_is_completed_once_the_person_consents(live_bot, db) -> None:
    """Someone new scans the event's QR code: the notice and consent come first, then they are
    checked in without scanning again."""
    event = await _published(live_bot, db, "Kahve sohbeti", timedelta(minutes=30))
    event_id = event.id
    guest = live_bot.citizen(7401, "tr", first_name="Gül")
    await guest.send(f"/start {attendance.checkin_payload(live_bot.services.secret, event_id, live_bot.services.clock())}")
    await _choose_turkish_and_consent(guest)
    await guest.wait_for(says("Katılımınız kaydedildi"))
    async with db.sessions() as session:
        rows = (await session.execute(select(Attendance))).scalars().all()
    assert [(row.event_id, row.kind) for row in rows] == [(event_id, "self")]
    assert not any("Hangi hizmeti" in (m["text"] or "") for m in await guest.bot_messages())


async def test_registering_before_consent_registers_once_the_person_consents(live_bot, db) -> None:
    event = await _published(live_bot, db, "El sanatları", timedelta(days=2))
    label = f"{local_text(event.starts_at, live_bot.services.zone)} · {event.title}"
    newcomer = live_bot.citizen(7402, "tr", first_name="Sevgi")
    await newcomer.send("/events")
    await newcomer.wait_for(has_button("Kadınlara yönelik etkinlik"))
    await newcomer.press("Kadınlara yönelik etkinlik")
    await newcomer.wait_for(has_button("Konak Kadın Danışma ve Eğitim Merkezi"))
    await newcomer.press("Konak Kadın Danışma ve Eğitim Merkezi")
    await newcomer.wait_for(has_button(label))
    await newcomer.press(label)
    await newcomer.wait_for(has_button("Kayıt ol"))
    await newcomer.press("Kayıt ol")
    await _choose_turkish_and_consent(newcomer)
    await newcomer.wait_for(says("Kaydınız alındı: El sanatları"))
    async with db.sessions() as session:
        assert [r.status for r in (await session.execute(select(Registration))).scalars()] == ["confirmed"]
