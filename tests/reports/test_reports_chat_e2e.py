"""Managers' chat commands through the real bot, over real HTTP to the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from storage.centres import load_centres
from storage.models import AuditEntry, Event, OutboxMessage, ReportSubscription, StaffMember
from storage.repositories import centres, plan
from tests.waiting import eventually

MANAGER_ID = 7101
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _text(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


def _kind(kind: str):
    return lambda message: message["kind"] == kind


async def _staff(db, telegram_user_id: int, role: str, language: str = "tr") -> int:
    now = datetime.now(timezone.utc)
    async with db.sessions.begin() as session:
        member = StaffMember(telegram_user_id=telegram_user_id, display_name=f"{role} {telegram_user_id}", role=role,
                             language=language, created_at=now)
        session.add(member)
        await session.flush()
        return member.id


async def _wait_count(person, fragment: str, count: int) -> None:
    """Each command gets its own refusal: wait until `count` of them are visible."""

    async def shown() -> bool:
        return sum(fragment in (m.get("text") or "") for m in await person.bot_messages()) == count

    await eventually(shown, f"{count} messages with {fragment!r}")


async def test_manager_subscribes_and_unsubscribes(live_bot, db) -> None:
    staff_id = await _staff(db, MANAGER_ID, "manager")
    manager = live_bot.citizen(MANAGER_ID, "tr", "Müdür")
    await manager.send("/subscribe")
    await manager.wait_for(_text("Haftalık rapora abone oldunuz"))
    await manager.send("/subscribe")
    await manager.wait_for(_text("zaten abonesiniz"))
    async with db.sessions() as session:
        assert (await session.get(ReportSubscription, staff_id)) is not None
    await manager.send("/unsubscribe")
    await manager.wait_for(_text("aboneliğiniz sona erdi"))
    async with db.sessions() as session:
        assert (await session.get(ReportSubscription, staff_id)) is None
        actions = (await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars().all()
    assert actions == ["report.subscribe", "report.unsubscribe"]


async def test_manager_gets_a_report_for_the_chosen_period(live_bot, db) -> None:
    await _staff(db, MANAGER_ID, "manager", language="en")
    manager = live_bot.citizen(MANAGER_ID, "tr", "Müdür")
    await manager.send("/report")
    await manager.wait_for(lambda m: bool(m.get("reply_markup")) and "Which period" in (m.get("text") or ""))
    await manager.press("Year to date")
    await manager.wait_for(_text("Target 4.2 weekly summary"), timeout=20)
    document = await manager.wait_for(_kind("document"), timeout=20)
    await manager.wait_for(_kind("photo"), timeout=20)
    content = await live_bot.emulator.file(document["document"]["file_id"])
    book = load_workbook(BytesIO(content))
    assert book.sheetnames[:2] == ["Summary", "Indicators"]
    year_start = book["Summary"]["B2"].value
    assert (year_start.month, year_start.day) == (1, 1)
    # The files went through the outbox: within the rate limits, each part once.
    async def all_sent() -> list[Any] | None:  # the drainer marks a row sent just after Telegram took it
        async with db.sessions() as session:
            rows = (await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status).where(OutboxMessage.chat_id == MANAGER_ID))).all()
        return list(rows) if all(status == "sent" for _, status in rows) else None

    rows = await eventually(all_sent, "every part of the report to be marked sent")
    assert sorted(key.rsplit(":", 1)[1] for key, _ in rows) == ["document", "photo", "text"]
    assert all(key.startswith("asked:") and status == "sent" for key, status in rows)


async def test_indicator_drill_down_in_chat(live_bot, db) -> None:
    staff_id = await _staff(db, MANAGER_ID, "admin")
    now = datetime.now(timezone.utc)
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        session.add(Event(centre_id="konak-kadin", type="gender_training", title="Farkındalık eğitimi",
                          starts_at=now - timedelta(hours=2), status="held", created_by=staff_id, created_at=now))
    manager = live_bot.citizen(MANAGER_ID, "tr", "Müdür")
    await manager.send("/indicator 4.2.4")
    reply = await manager.wait_for(_text("4.2.4 Cinsiyet eşitliği eğitimi"))
    assert "Gerçekleşen: 1" in reply["text"] and "Farkındalık eğitimi" in reply["text"]
    assert "Konak" in reply["text"]
    # Each row says what it adds, the rows add up to the actual, and the flags of every other
    # output are here too: no planned value, so the indicator is left out of the target.
    assert "katkı 1" in reply["text"]
    assert "Toplam katkı (1 kayıt): 1 = Gerçekleşen: 1" in reply["text"]
    assert "hedef hesabına katılmadı (hedef değeri yok)" in reply["text"]
    async with db.sessions.begin() as session:
        await plan.set_value(session, code="4.2.4", year=now.astimezone(ISTANBUL).year, planned=10, baseline=None,
                             actor="cli:test", now=now)
    await manager.send("/indicator 4.2.4")
    reply = await manager.wait_for(lambda m: "başlangıç bilinmiyor, 0 alındı" in (m.get("text") or ""))
    assert "hedef hesabına katılmadı" not in reply["text"]
    await manager.send("/indicator 9.9")
    await manager.wait_for(_text("Bir gösterge kodu yazın"))


async def test_everyone_else_is_refused_politely(live_bot, db) -> None:
    await _staff(db, 7102, "staff")
    citizen = live_bot.citizen(7103, "tr")
    staff = live_bot.citizen(7102, "tr")
    for person in (citizen, staff):
        for count, command in enumerate(("/report", "/subscribe", "/indicator 4.2.9"), start=1):
            await person.send(command)
            await _wait_count(person, "yalnızca yöneticiler", count)
    async with db.sessions() as session:
        assert (await session.execute(select(ReportSubscription))).first() is None


async def test_a_revoked_manager_loses_access_at_once(live_bot, db) -> None:
    staff_id = await _staff(db, MANAGER_ID, "manager")
    manager = live_bot.citizen(MANAGER_ID, "tr", "Müdür")
    await manager.send("/report")
    await manager.wait_for(_text("Hangi dönemin"))
    async with db.sessions.begin() as session:
        member = await session.get(StaffMember, staff_id)
        member.revoked_at = datetime.now(timezone.utc)
        member.active = False
    await manager.press("Bu hafta")
    await manager.wait_for(_text("yalnızca yöneticiler"))
    assert not [m for m in await manager.bot_messages() if m["kind"] in ("photo", "document")]
