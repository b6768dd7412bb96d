"""Walk-ins in the staff chat, through the real bot over real HTTP to the emulator: a name
already known at the centre asks "same person or a new person", told apart by the last visit
and never by a Telegram id; a walk-in is merged with the registered person it turned out to be,
and the merge is undone, both audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests_staff_support import join

from services import attendance
from services.events import local_text
from services.roles import Actor
from storage.centres import load_centres
from storage.models import Attendance, AuditEntry, Event, Person, Registration, Walkin
from storage.repositories import centres
from tests.messages import has_button, says

CENTRE = "bornova-engelli"
STAFF_ID, PERSON_TELEGRAM_ID = 7601, 7602
MANAGER = Actor(staff_id=0, role="manager", centres=frozenset(), name="Müdür", language="tr")


async def _seed(live_bot, db) -> tuple[Event, Event, Person]:
    """Ayşe came to last week's painting class as a walk-in; today's activity starts soon and a
    registered Ayşe Yılmaz holds a place at it."""
    services = live_bot.services
    now = services.clock()
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        await join(session, "staff", CENTRE, STAFF_ID, now)
        painting = Event(centre_id=CENTRE, type="disability_activity", title="Resim atölyesi", starts_at=now - timedelta(days=7),
                         language="tr", status="published", created_at=now - timedelta(days=8))
        today = Event(centre_id=CENTRE, type="disability_activity", title="Bugünkü oyun", starts_at=now + timedelta(minutes=30),
                      language="tr", status="published", created_at=now - timedelta(days=1))
        person = Person(citizen_key="c7602", telegram_user_id=PERSON_TELEGRAM_ID, display_name="Ayşe Yılmaz", language="tr",
                        created_at=now - timedelta(days=2))
        session.add_all([painting, today, person])
        await session.flush()
        session.add(Registration(event_id=today.id, person_id=person.id, status="confirmed", position=0, created_at=now))
        await attendance.walk_in(session, MANAGER, event_id=painting.id, name="Ayşe Yılmaz", secret=services.secret, now=now)
    return painting, today, person


async def test_staff_choose_same_or_new_person_and_merge_a_walkin_in_chat(live_bot, db) -> None:
    painting, today, person = await _seed(live_bot, db)
    zone = live_bot.services.zone
    staff = live_bot.citizen(STAFF_ID, "tr", first_name="Zeynep")
    today_label = f"{local_text(today.starts_at, zone)} · {today.title}"
    step = Steps(staff)

    await staff.send("/etkinliklerim")
    await step.press(has_button(today_label), today_label)
    await step.press(has_button("Kayıtsız katılımcı ekle"), "Kayıtsız katılımcı ekle")
    await step.next(says("adını ve soyadını yazın"))
    await staff.send("AYSE  yılmaz")
    asked = await step.next(says("bu adla kayıtsız katılımcı var"))
    known = f"Aynı kişi: son {local_text(painting.starts_at, zone)} · Resim atölyesi (1 kez)"
    assert has_button(known)(asked) and has_button("Yeni bir kişi")(asked)
    assert len(asked["reply_markup"]["inline_keyboard"]) == 2
    async with db.sessions() as session:
        assert (await session.execute(select(Attendance).where(Attendance.event_id == today.id))).first() is None
    await staff.press("Yeni bir kişi", message_id=asked["message_id"])
    await step.next(says("Eklendi. Gelen sayısı: 1"))
    async with db.sessions() as session:
        identities = (await session.execute(select(Walkin).order_by(Walkin.id))).scalars().all()
        row = (await session.execute(select(Attendance).where(Attendance.event_id == today.id))).scalar_one()
    assert len(identities) == 2 and row.walkin_id == identities[1].id  # two people named Ayşe Yılmaz now
    # The next name follows on the same screen; the same name now offers both, and the one
    # recorded today is already here.
    await staff.send("Ayşe Yılmaz")
    here = f"Aynı kişi: son {local_text(today.starts_at, zone)} · Bugünkü oyun (1 kez)"[:60]
    both = await step.press(has_button(here), here)
    assert has_button(known)(both) and len(both["reply_markup"]["inline_keyboard"]) == 3
    await step.next(says("Bu kişi zaten eklenmiş"))
    await staff.send("/iptal")
    await step.next(says("İşlem bırakıldı"))

    await staff.send("/etkinliklerim")
    await step.press(has_button(today_label), today_label)
    merge = "Kayıtsız katılımcıyı kayıtlı kişiyle birleştir"
    await step.press(has_button(merge), merge)
    await step.next(says("Birleştirilecek kayıtsız katılımcının"))
    await staff.send("Ayşe Yılmaz")
    painted_walkin = f"son {local_text(painting.starts_at, zone)} · Resim atölyesi (1 kez)"
    await step.press(says("Hangi kayıtsız katılımcı?"), painted_walkin)
    person_button = f"Ayşe Yılmaz: son {local_text(today.starts_at, zone)} · Bugünkü oyun"
    await step.press(says("Hangi kayıtlı kişiyle"), person_button)
    await step.press(says("Birleştirildi"), "Birleştirmeyi geri al", check_only=True)
    async with db.sessions() as session:
        merged = await session.get_one(Walkin, identities[0].id)
        painted = (await session.execute(select(Attendance).where(Attendance.event_id == painting.id))).scalar_one()
    assert merged.person_id == person.id and painted.person_id == person.id
    assert painted.beneficiary_key == attendance.person_key(live_bot.services.secret, PERSON_TELEGRAM_ID)
    await staff.press("Birleştirmeyi geri al", message_id=step.last_id)
    await step.next(says("Birleştirme geri alındı"))
    async with db.sessions() as session:
        undone = await session.get_one(Walkin, identities[0].id)
        painted = (await session.execute(select(Attendance).where(Attendance.event_id == painting.id))).scalar_one()
        audited = (await session.execute(
            select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.object_type == "walkin").order_by(AuditEntry.id)
        )).all()
    assert undone.person_id is None and painted.person_id is None and painted.beneficiary_key == undone.beneficiary_key
    assert [action for action, _ in audited] == ["attendance.merge", "attendance.unmerge"]
    assert len({actor for _, actor in audited}) == 1 and audited[0][1].startswith("staff:")

    # Nothing staff were shown names a Telegram id: walk-ins and people are told apart by visits.
    shown = " ".join((m.get("text") or "") + str(m.get("reply_markup") or "") for m in await staff.bot_messages())
    assert str(PERSON_TELEGRAM_ID) not in shown


class Steps:
    """Waits for the bot's next message (newer than the last one waited for), so a text the
    chat showed before is never taken for the answer to this step."""

    def __init__(self, user) -> None:  # type: ignore[no-untyped-def]
        self.user = user
        self.last_id = 0

    async def next(self, predicate):  # type: ignore[no-untyped-def]
        after = self.last_id
        message = await self.user.wait_for(lambda m: m["message_id"] > after and predicate(m))
        self.last_id = message["message_id"]
        return message

    async def press(self, predicate, button: str, *, check_only: bool = False):  # type: ignore[no-untyped-def]
        """The next message that satisfies `predicate` and has `button`; press it unless `check_only`."""
        message = await self.next(lambda m: predicate(m) and has_button(button)(m))
        if not check_only:
            await self.user.press(button, message_id=message["message_id"])
        return message
