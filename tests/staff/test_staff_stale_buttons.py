"""A button counts only for the flow it was shown in: through the real bot over real HTTP to the
emulator, an old Cancel of event creation pressed during another flow ends nothing, and the
Cancel of a flow on its screen ends that flow."""

from __future__ import annotations

from sqlalchemy import select

from services import invites
from storage.models import IndicatorEntry, Membership
from tests.messages import has_button, says

KONAK = "Konak Kadın Danışma ve Eğitim Merkezi"


async def test_an_old_event_cancel_button_does_not_end_the_aid_flow(live_bot, db) -> None:
    staff = live_bot.citizen(7151, "tr", first_name="Zeynep")
    async with live_bot.services.sessions.begin() as session:
        made = await invites.create(
            session, role="staff", centre_id="konak-kadin", hours=72, actor="cli:test", now=live_bot.services.clock()
        )
    await staff.send(f"/start inv_{made.code}")
    await staff.wait_for(says("Hoş geldiniz, Zeynep"))

    await staff.send("/etkinlik_yeni")
    event_step = await staff.wait_for(has_button("Vazgeç"))
    await staff.send("/yardim_kaydi")
    await staff.wait_for(has_button(KONAK))
    await staff.press(KONAK)
    await staff.wait_for(says("okul numaralarını yazın"))

    await staff.press("Vazgeç", message_id=event_step["message_id"])
    await staff.send("A123\nB456")
    await staff.wait_for(says("2 öğrenci kaydedildi"), timeout=30)
    assert not [m for m in await staff.bot_messages() if "İşlem bırakıldı" in (m.get("text") or "")]
    async with db.sessions() as session:
        stored = (await session.execute(select(IndicatorEntry))).scalars().all()
    assert [(e.indicator_code, e.centre_id) for e in stored] == [("4.2.3", "konak-kadin")] * 2


async def test_the_membership_cancel_ends_the_application_and_stores_nothing(live_bot, db) -> None:
    daughter = live_bot.citizen(7152, "tr", first_name="Elif")
    await daughter.send("/start")
    await daughter.wait_for(has_button("Türkçe"))
    await daughter.press("Türkçe")
    await daughter.wait_for(has_button("Evet, onaylıyorum"))
    await daughter.press("Evet, onaylıyorum")
    await daughter.wait_for(says("Hangi hizmeti"))

    await daughter.send("/uye")
    await daughter.wait_for(says("Üyelik başvurusu için"))  # the membership has a consent of its own
    await daughter.press("Evet, onaylıyorum")
    await daughter.wait_for(has_button("Bir yakınım için"), timeout=30)
    await daughter.press("Vazgeç")
    cancelled = await daughter.wait_for(says("İşlem bırakıldı"))
    await daughter.send("Hasan Demir")
    answer = await daughter.wait_for(lambda m: m["message_id"] > cancelled["message_id"], timeout=30)
    assert "doğum tarihini" not in (answer.get("text") or "")
    async with db.sessions() as session:
        assert (await session.execute(select(Membership))).scalars().all() == []
