"""The check-in code through the real bot and the emulator: staff show the code of the moment
from their phone as a QR photo, a citizen who scans it is checked in, and a code from a minute
ago is refused with a plain message, before any consent screen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests_staff_support import join

from bot.checkin_qr import checkin_link, png
from services import attendance
from services.events import local_text
from storage.centres import load_centres
from storage.models import Attendance, Event
from storage.repositories import centres
from tests.messages import has_button, says


async def test_staff_show_the_current_code_and_only_it_checks_a_citizen_in(live_bot, db) -> None:
    services = live_bot.services
    now = services.clock()
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        await join(session, "staff", "konak-kadin", 7601, now=now)
        event = Event(centre_id="konak-kadin", type="women", title="Kahve sohbeti", starts_at=now + timedelta(minutes=30),
                      language="tr", status="published", created_at=now)
        session.add(event)
    staff = live_bot.citizen(7601, "tr", first_name="Zeynep")
    await staff.send("/etkinliklerim")
    await staff.wait_for(says("Etkinlikler:"))
    await staff.press(f"{local_text(event.starts_at, services.zone)} · {event.title}"[:60])
    await staff.wait_for(has_button("Giriş kodunu göster"))
    await staff.press("Giriş kodunu göster")
    shown = await staff.wait_for(lambda m: m["kind"] == "photo", timeout=30)
    assert "Kod yaklaşık bir dakika geçerlidir" in shown["caption"] and has_button("Yeni kod")(shown)
    image = await live_bot.emulator.file(shown["photo"][-1]["file_id"])
    pressed = services.clock()
    bot_username = live_bot.application.bot.username
    assert image in {png(checkin_link(bot_username, services.secret, event.id, pressed - timedelta(seconds=s))) for s in (0, 30, 60)}

    # Someone new with a code from two steps ago: refused at once, no consent asked for nothing.
    old = attendance.checkin_payload(services.secret, event.id, services.clock() - timedelta(seconds=61))
    late = live_bot.citizen(7602, "tr", first_name="Gül")
    await late.send(f"/start {old}")
    await late.wait_for(says("Bu kodun süresi dolmuş"))
    assert not any(has_button("Evet, onaylıyorum")(m) for m in await late.bot_messages())

    # The code of the moment: consent first, then the check-in.
    await late.send(f"/start {attendance.checkin_payload(services.secret, event.id, services.clock())}")
    await late.wait_for(has_button("Türkçe"))
    await late.press("Türkçe")
    await late.wait_for(has_button("Evet, onaylıyorum"))
    await late.press("Evet, onaylıyorum")
    await late.wait_for(says("Katılımınız kaydedildi"))
    # The same old code again, now with consent given: still refused.
    seen = max(m["message_id"] for m in await late.bot_messages())
    await late.send(f"/start {old}")
    await late.wait_for(lambda m: m["message_id"] > seen and says("Bu kodun süresi dolmuş")(m))
    async with db.sessions() as session:
        rows = (await session.execute(select(Attendance.kind).where(Attendance.event_id == event.id))).scalars().all()
    assert rows == ["self"]
