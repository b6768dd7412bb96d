"""Reminders and notices, attacked as someone who sees the phone's lock screen: about a sensitive
event or a membership they name no topic and make no sound, the detail shows only when the
person presses for it, and reminders come in the daytime, never queued at midnight."""

from __future__ import annotations

from exit_erasure_support import (  # noqa: F401  (bot is a fixture)
    admin,
    after,
    apply_for_membership,
    bot,
    buttons,
    has_button,
    publish,
    register_for,
    says,
    start_and_consent,
    today_at,
    tomorrow_at,
)
from sqlalchemy import select

from bot.chat import notices
from bot.chat.reminders import queue_reminders
from services import memberships
from storage.models import Membership

# What must not show on a lock screen (folded: the previews are searched case-insensitively).
TOPIC = ("şiddet", "kadın", "sığınma", "akran", "alzheimer", "hasan", "demir", "üyelik")


def reveals(text: str) -> list[str]:
    folded = text.casefold()
    return [word for word in TOPIC if word in folded]


async def test_a_sensitive_reminder_shows_no_topic_makes_no_sound_and_shows_the_detail_on_request(bot, db) -> None:
    actor = await admin(bot)
    support = await publish(bot, actor, kind="women", centre="konak-kadin", title="Şiddet gören kadınlar destek grubu",
                            place="Kadın Sığınma Evi", starts_at=tomorrow_at(bot, 14))
    # Not a women's event, but its title speaks of violence: sensitive too.
    tale = await publish(bot, actor, kind="children_youth", centre="bayrakli-masal-evi",
                         title="Akran şiddetine karşı masal saati", place="Masal Evi", starts_at=tomorrow_at(bot, 10))
    nur = bot.citizen(7701, "tr", "Nur")
    await start_and_consent(nur)
    await register_for(nur, support, bot.services)
    await register_for(nur, tale, bot.services)

    bot.clock.set(today_at(bot, 12))
    assert await queue_reminders(bot.services) == 2
    assert (await bot.drain()).sent == 2
    await nur.wait_for(says("10:00'da"), timeout=30)
    reminders = [m for m in await nur.bot_messages() if "bir etkinliğiniz var" in (m["text"] or "")]
    assert sorted(m["text"] for m in reminders) == [
        "Yarın saat 10:00'da bir etkinliğiniz var.",
        "Yarın saat 14:00'te bir etkinliğiniz var.",
    ]
    for reminder in reminders:
        assert reveals(reminder["text"]) == [] and reminder.get("silent") is True
        assert [b["text"] for b in buttons(reminder)] == ["Ayrıntıları göster"]

    fourteen = next(m for m in reminders if "14:00" in m["text"])
    detail = await after(nur, nur.press("Ayrıntıları göster", message_id=fourteen["message_id"]), says("destek grubu"))
    assert "Kadın Sığınma Evi" in detail["text"]


async def test_reminders_are_queued_only_in_the_daytime_and_never_sent_after_it(bot, db) -> None:
    actor = await admin(bot)
    event = await publish(bot, actor, kind="women", centre="konak-kadin", title="Kendini ifade atölyesi",
                          place="Salon", starts_at=tomorrow_at(bot, 14))
    ece = bot.citizen(7702, "tr", "Ece")
    await start_and_consent(ece)
    await register_for(ece, event, bot.services)

    bot.clock.set(today_at(bot, 0, 5))  # just after midnight: the job ticks, nothing is queued
    assert await queue_reminders(bot.services) == 0
    assert (await bot.drain()).sent == 0

    bot.clock.set(today_at(bot, 9, 0))
    assert await queue_reminders(bot.services) == 1
    bot.clock.set(today_at(bot, 20, 1))  # the drainer was down all day: too late now
    assert (await bot.drain()).sent == 0
    assert not any("etkinliğiniz var" in (m["text"] or "") for m in await ece.bot_messages())


async def test_an_alzheimer_membership_notice_names_neither_centre_nor_member(bot, db) -> None:
    elif_ = bot.citizen(7703, "tr", "Elif")
    await start_and_consent(elif_)
    await apply_for_membership(elif_)

    actor = await admin(bot)
    async with bot.services.sessions.begin() as session:
        applied = (await session.execute(select(Membership))).scalar_one()
        decision = await memberships.decide(session, actor, membership_id=applied.id, approve=True, reason=None,
                                            zone=bot.services.zone, now=bot.clock())
        await notices.queue(session, [decision.notice], zone=bot.services.zone, now=bot.clock())
    assert (await bot.drain()).sent == 1
    notice = await elif_.wait_for(has_button("Ayrıntıları göster"), timeout=30)
    assert notice["text"] == "Başvurunuzla ilgili yeni bir bilgi var."
    assert reveals(notice["text"]) == [] and notice.get("silent") is True

    detail = await after(elif_, elif_.press("Ayrıntıları göster", message_id=notice["message_id"]), says("Hasan Demir"))
    assert "onaylandı" in detail["text"]
