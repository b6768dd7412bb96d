"""Managers log completed centres (4.2.1, 4.2.6) and correct entries in chat, through the real
application with an in-process Bot API: what is stored, what is refused, and what they read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from tests_staff_support import NOW, TODAY

from bot.chat.menus import staff_commands
from services import entries, invites
from services.roles import Actor
from storage.models import AuditEntry, Conversation, IndicatorEntry
from storage.pseudonyms import citizen_key
from storage.repositories import entries as entry_store

ADMIN, MANAGER, STAFF, CITIZEN = 9001, 9002, 9003, 9999
KONAK = "Konak Kadın Danışma ve Eğitim Merkezi"
REFUSED = "Bu işlem için yetkiniz yok."
STALE = "Bu düğme artık geçerli değil"


def _as(role: str) -> Actor:
    """A member of this role, as the menu sees them."""
    return Actor(1, role, frozenset(), "Ayşe", "tr")


async def send(bot, user_id: int, text: str) -> None:
    await bot.feed(bot.message_update(user_id, text))


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Label -> callback data of a message's buttons."""
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


async def press(bot, user_id: int, label: str) -> None:
    """Press a button of the newest message with buttons, by its words."""
    message = bot.last_live(user_id)
    await bot.feed(bot.callback_update(user_id, buttons(message)[label], message["message_id"]))


async def forge(bot, user_id: int, data: str) -> None:
    """A button press nobody was shown, as a tampering client would send it."""
    await bot.feed(bot.callback_update(user_id, data, 1))


def last_toast(bot) -> str | None:
    return [c.params.get("text") for c in bot.api.calls if c.method == "answerCallbackQuery"][-1]


async def stored_rows(db) -> list[IndicatorEntry]:
    async with db.sessions() as session:
        return list((await session.execute(select(IndicatorEntry).order_by(IndicatorEntry.id))).scalars())


async def audit_rows(db) -> list[AuditEntry]:
    async with db.sessions() as session:
        query = select(AuditEntry).where(AuditEntry.object_type == "indicator_entry").order_by(AuditEntry.id)
        return list((await session.execute(query)).scalars())


async def state_of(bot, db, user_id: int) -> dict[str, Any]:
    async with db.sessions() as session:
        row = await session.get(Conversation, citizen_key(bot.services.secret, user_id))
        return dict(row.state) if row else {}


async def seed_milestone(db, centre_id: str = "konak-kadin", code: str = "4.2.6") -> int:
    async with db.sessions.begin() as session:
        entry = await entries.add_milestone(
            session, "cli:test", code=code, centre_id=centre_id, completed_on=date(2026, 10, 1), note="Tutanak 41", now=NOW, today=TODAY,
        )
        return entry.id


async def start_milestone(bot, user_id: int, indicator: str, centre: str) -> None:
    await send(bot, user_id, "/asama")
    await press(bot, user_id, indicator)
    await press(bot, user_id, centre)


def local_today(bot) -> date:
    return bot.services.clock().astimezone(bot.services.zone).date()


async def test_a_manager_logs_a_milestone_end_to_end(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await send(bot, MANAGER, "/asama")
    assert bot.texts(MANAGER)[-1] == "Hangi göstergenin merkezi tamamlandı?"
    assert set(buttons(bot.last_live(MANAGER))) == {"4.2.1 Gençlik Merkezi", "4.2.6 Kadın Danışma ve Eğitim Merkezi", "Vazgeç"}
    await press(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi")
    offered = buttons(bot.last_live(MANAGER))
    assert set(offered) == {KONAK, "Bayraklı Kadın Danışma ve Eğitim Merkezi", "Vazgeç"}  # women's centres only
    await press(bot, MANAGER, KONAK)
    assert "GG.AA.YYYY" in bot.texts(MANAGER)[-1]
    await send(bot, MANAGER, "15.03.2024")
    assert "Kanıt notunu yazın" in bot.texts(MANAGER)[-1]
    await send(bot, MANAGER, "  Kabul tutanağı 2024/17  ")

    [entry] = await stored_rows(db)
    assert (entry.indicator_code, entry.centre_id, entry.occurred_on, entry.quantity) == ("4.2.6", "konak-kadin", date(2024, 3, 15), 1)
    assert (entry.note, entry.entered_by, entry.corrects_entry_id) == ("Kabul tutanağı 2024/17", f"staff:{crew.manager.staff_id}", None)
    assert bot.texts(MANAGER)[-1] == f"Kaydedildi (kayıt {entry.id}): 4.2.6 · {KONAK} · tamamlanma tarihi 15.03.2024."
    [logged] = await audit_rows(db)
    assert (logged.action, logged.actor, logged.object_id) == ("entry.add", f"staff:{crew.manager.staff_id}", str(entry.id))
    assert logged.after["centre_id"] == "konak-kadin" and logged.after["note"] == "Kabul tutanağı 2024/17"
    state = await state_of(bot, db, MANAGER)
    assert state["screen"] == "idle" and "draft" not in state


async def test_an_admin_uses_today_for_a_youth_centre(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await send(bot, ADMIN, "/asama")
    await press(bot, ADMIN, "4.2.1 Gençlik Merkezi")
    assert set(buttons(bot.last_live(ADMIN))) == {"Torbalı Gençlik Merkezi", "Vazgeç"}
    await press(bot, ADMIN, "Torbalı Gençlik Merkezi")
    before = local_today(bot)
    await press(bot, ADMIN, "Bugün")
    await send(bot, ADMIN, "Geçici kabul yapıldı")
    [entry] = await stored_rows(db)
    assert (entry.indicator_code, entry.centre_id, entry.entered_by) == ("4.2.1", "torbali-genclik", f"staff:{crew.admin.staff_id}")
    assert entry.occurred_on in {before, local_today(bot)}


async def test_a_plain_staff_member_is_refused_and_nothing_is_stored(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await send(bot, STAFF, "/asama")
    assert bot.texts(STAFF)[-1] == REFUSED
    assert (await state_of(bot, db, STAFF)).get("screen") != "staff.milestone"
    # Buttons they were never shown change nothing, whatever step they claim.
    for data in ("k:i.4.2.6", "k:c.konak-kadin", "k:today"):
        await forge(bot, STAFF, data)
        assert STALE in (last_toast(bot) or "")
    await send(bot, STAFF, "Kabul tutanağı")
    entry_id = await seed_milestone(db)
    await send(bot, STAFF, f"/duzelt {entry_id}")
    assert bot.texts(STAFF)[-1] == REFUSED
    await forge(bot, STAFF, f"z:fix.{entry_id}")
    assert bot.texts(STAFF)[-1] == REFUSED
    await send(bot, CITIZEN, "/asama")
    assert bot.texts(CITIZEN)[-1] == "Bu komut yalnızca belediye personeli içindir."
    assert [e.id for e in await stored_rows(db)] == [entry_id]
    assert [a.action for a in await audit_rows(db)] == ["entry.add"]  # the seeded one only


async def test_a_forged_centre_is_refused(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await send(bot, MANAGER, "/asama")
    await press(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi")
    for forged in ("torbali-genclik", "buca-engelli", "nowhere"):  # a youth centre, another type, no centre
        await forge(bot, MANAGER, f"k:c.{forged}")
        assert last_toast(bot) == REFUSED
    await forge(bot, MANAGER, "k:i.4.2.9")
    assert STALE in (last_toast(bot) or "")
    state = await state_of(bot, db, MANAGER)
    assert state["draft"] == {"step": "centre", "code": "4.2.6"}
    await send(bot, MANAGER, "01.01.2024")
    assert bot.texts(MANAGER)[-1] == "Lütfen aşağıdaki düğmelerden birini seçin."
    assert await stored_rows(db) == []


async def test_a_bad_date_is_asked_again_and_nothing_is_lost(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await start_milestone(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi", KONAK)
    for typed, said in (("31.02.2026", "Tarih anlaşılamadı."), ("yarın", "Tarih anlaşılamadı."),
                        ("01.01.2999", "Gelecek bir tarih için kayıt yapılamaz.")):
        await send(bot, MANAGER, typed)
        assert bot.texts(MANAGER)[-2] == said
        assert "GG.AA.YYYY" in bot.texts(MANAGER)[-1] and "Bugün" in buttons(bot.last_live(MANAGER))
        assert (await state_of(bot, db, MANAGER))["draft"] == {"step": "date", "code": "4.2.6", "centre_id": "konak-kadin"}
    await send(bot, MANAGER, "20/11/2025")
    await send(bot, MANAGER, "   ")
    assert bot.texts(MANAGER)[-1] == "Lütfen bir kanıt notu yazın."
    await send(bot, MANAGER, "x" * 501)
    assert bot.texts(MANAGER)[-1] == "Bu metin çok uzun. En fazla 500 karakter yazın."
    assert await stored_rows(db) == []
    await send(bot, MANAGER, "İskan belgesi")
    [entry] = await stored_rows(db)
    assert (entry.centre_id, entry.occurred_on, entry.note) == ("konak-kadin", date(2025, 11, 20), "İskan belgesi")


async def test_cancel_leaves_the_step_without_saving(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await start_milestone(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi", KONAK)
    await send(bot, MANAGER, "01.10.2025")
    await send(bot, MANAGER, "/cancel")
    assert bot.texts(MANAGER)[-1] == "İşlem bırakıldı. Hiçbir şey kaydedilmedi."
    await send(bot, MANAGER, "Bir not")
    await send(bot, ADMIN, "/asama")
    await press(bot, ADMIN, "Vazgeç")
    assert bot.texts(ADMIN)[-1] == "İşlem bırakıldı. Hiçbir şey kaydedilmedi."
    assert await stored_rows(db) == []
    assert (await state_of(bot, db, MANAGER))["screen"] == "idle"


async def test_a_second_milestone_is_refused_and_can_be_corrected(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    first = await seed_milestone(db)
    await start_milestone(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi", KONAK)
    await send(bot, MANAGER, "02.10.2026")
    await send(bot, MANAGER, "Yeniden kayıt")
    assert bot.texts(MANAGER)[-1].startswith(f"{KONAK} için tamamlanma kaydı zaten var (kayıt {first}, 01.10.2026).")
    assert f"/duzelt {first}" in bot.texts(MANAGER)[-1]
    assert buttons(bot.last_live(MANAGER)) == {"Bu kaydı düzelt": f"z:fix.{first}"}
    assert [e.id for e in await stored_rows(db)] == [first]
    assert (await state_of(bot, db, MANAGER))["screen"] == "idle"

    # The button leads to the correction: withdrawn with a reason, then it can be logged again.
    await press(bot, MANAGER, "Bu kaydı düzelt")
    assert bot.texts(MANAGER)[-1].startswith(f"Kayıt {first}: 4.2.6 · {KONAK} · 01.10.2026 · miktar 1")
    await send(bot, MANAGER, "0")
    await send(bot, MANAGER, "Tarih yanlış girilmiş")
    rows = await stored_rows(db)
    assert [(r.id, r.quantity, r.corrects_entry_id, r.reason) for r in rows] == [
        (first, 1, None, None), (rows[1].id, 0, first, "Tarih yanlış girilmiş"),
    ]
    await start_milestone(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi", KONAK)
    await send(bot, MANAGER, "02.10.2026")
    await send(bot, MANAGER, "Yeniden kayıt")
    assert bot.texts(MANAGER)[-1].startswith("Kaydedildi")
    async with db.sessions() as session:
        effective = await entry_store.effective_milestone(session, "4.2.6", "konak-kadin")
    assert effective is not None and effective.occurred_on == date(2026, 10, 2)


async def test_a_correction_adds_a_row_with_its_reason(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    original = await seed_milestone(db, "torbali-genclik", "4.2.1")
    await send(bot, MANAGER, "/duzelt")
    assert bot.texts(MANAGER)[-1] == "Düzeltilecek kaydın numarasını da yazın, örneğin: /duzelt 12"
    await send(bot, MANAGER, "/duzelt 424242")
    assert bot.texts(MANAGER)[-1] == "Böyle bir kayıt yok."
    await send(bot, MANAGER, f"/duzelt {original}")
    assert "0 kaydı sayımdan çıkarır" in bot.texts(MANAGER)[-1]
    # Each entry counts one centre: half a centre or two of them is refused, not stored.
    for bad in ("iki", "-1", "nan", "inf", "0,5", "2", "1e3"):
        await send(bot, MANAGER, bad)
        assert bot.texts(MANAGER)[-1].startswith("Miktar anlaşılamadı")
    await send(bot, MANAGER, "0")
    assert bot.texts(MANAGER)[-1].startswith("Düzeltmenin gerekçesini yazın")
    await send(bot, MANAGER, " ")
    assert bot.texts(MANAGER)[-1] == "Düzeltme için bir gerekçe yazın."
    await send(bot, MANAGER, "Yalnızca ilk bölüm tamamlandı")

    rows = await stored_rows(db)
    assert len(rows) == 2 and (rows[0].id, rows[0].quantity) == (original, 1)  # the old row is kept as it was
    fix = rows[1]
    assert (fix.indicator_code, fix.centre_id, fix.quantity, fix.corrects_entry_id) == ("4.2.1", "torbali-genclik", 0, original)
    assert (fix.reason, fix.entered_by, fix.occurred_on, fix.note) == (
        "Yalnızca ilk bölüm tamamlandı", f"staff:{crew.manager.staff_id}", date(2026, 10, 1), "Tutanak 41",
    )
    assert bot.texts(MANAGER)[-1].startswith(f"Düzeltme kaydedildi (kayıt {fix.id}). Kayıt {original} yerine")
    async with db.sessions() as session:
        assert [(e.id, e.quantity) for e in await entry_store.effective(session, "4.2.1")] == [(fix.id, 0)]
    logged = (await audit_rows(db))[-1]
    assert (logged.action, logged.actor, logged.object_id) == ("entry.correct", f"staff:{crew.manager.staff_id}", str(fix.id))
    assert logged.before["quantity"] == 1 and logged.after["quantity"] == 0
    assert logged.after["reason"] == "Yalnızca ilk bölüm tamamlandı"

    # The old entry cannot be corrected twice; the reply names the latest correction.
    await send(bot, MANAGER, f"/duzelt {original}")
    assert bot.texts(MANAGER)[-1] == f"Bu kayıt zaten düzeltilmiş; en son düzeltmeyi düzeltin.\nEn son düzeltme: kayıt {fix.id}."
    await send(bot, MANAGER, f"/duzelt {fix.id}")
    await send(bot, MANAGER, "/cancel")
    assert len(await stored_rows(db)) == 2


async def test_a_member_revoked_mid_step_saves_nothing(inprocess_bot, db, crew) -> None:
    bot = inprocess_bot
    await start_milestone(bot, MANAGER, "4.2.6 Kadın Danışma ve Eğitim Merkezi", KONAK)
    await send(bot, MANAGER, "01.10.2025")
    async with db.sessions.begin() as session:
        await invites.revoke(session, staff_id=crew.manager.staff_id, actor="cli:test", now=NOW)
    await send(bot, MANAGER, "Kabul tutanağı")
    assert bot.texts(MANAGER)[-1] == "Bu komut yalnızca belediye personeli içindir."
    assert await stored_rows(db) == []


def test_the_new_commands_are_in_the_managers_menu_only() -> None:
    manager = {c.command: c.description for c in staff_commands("tr", _as("manager"))}
    assert manager["asama"] == "Merkezin tamamlandığını kaydet" and manager["duzelt"] == "Bir kaydı düzelt"
    assert {c.command: c.description for c in staff_commands("en", _as("admin"))}["duzelt"] == "Correct an entry"
    assert {c.command: c.description for c in staff_commands("ar", _as("manager"))}["asama"] == "تسجيل اكتمال مركز"
    assert not {"asama", "duzelt"} & {c.command for c in staff_commands("tr", _as("staff"))}
