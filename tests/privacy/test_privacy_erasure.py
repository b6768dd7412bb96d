"""/forget, attacked as someone with a copy of the database and the key: nothing leads back to
the person (no Telegram id, no name, no pseudonym the key recomputes), nothing queued for them
is delivered after it, the figures managers publish do not change, and the answer says what
was erased and what stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from exit_erasure_support import (  # noqa: F401  (bot is a fixture)
    admin,
    apply_for_membership,
    bot,
    chat_trails,
    check_in,
    press_on,
    publish,
    purge_expired_trails,
    register_for,
    row_counts,
    says,
    start_and_consent,
    tables_holding,
    today_at,
    tomorrow_at,
)
from sqlalchemy import select

from bot.chat import notices
from bot.chat.reminders import queue_reminders
from reports.aggregate import observe
from reports.drilldown import drill
from reports.plan import load_plan
from services import memberships
from services.attendance import person_key
from storage.models import Membership, OutboxMessage
from storage.pseudonyms import citizen_key, respondent_key
from storage.repositories import reports as report_store


async def test_forget_leaves_nothing_that_leads_back_and_nothing_is_delivered_after_it(bot, db) -> None:
    actor = await admin(bot)
    bot.clock.set(today_at(bot, 11))
    now = bot.clock()
    group = await publish(bot, actor, kind="women", centre="konak-kadin", title="Şiddet gören kadınlar destek grubu",
                          place="Kadın Sığınma Evi", starts_at=now + timedelta(minutes=30))
    tomorrow = await publish(bot, actor, kind="women", centre="konak-kadin", title="Hukuki danışma",
                             place="Kadın Sığınma Evi", starts_at=tomorrow_at(bot, 14), capacity=1)
    zeynep = bot.citizen(780146203, "tr", "Zeynep")
    zeynep.username = "zeynep_izmir_7801"
    other = bot.citizen(780246207, "tr", "Sema")
    await start_and_consent(zeynep)
    await register_for(zeynep, group, bot.services)
    await check_in(zeynep, bot, group)  # her attendance at a women's event
    await register_for(zeynep, tomorrow, bot.services)
    await start_and_consent(other)
    await register_for(other, tomorrow, bot.services)  # full: on the waiting list
    assert await queue_reminders(bot.services) == 1  # Zeynep's, for tomorrow: not yet sent

    await zeynep.send("/forget")
    await press_on(zeynep, "Evet, hepsini silin")
    await zeynep.wait_for(says("Silindi"), timeout=30)

    secret = bot.services.secret
    linked = [
        str(zeynep.user_id), "Zeynep", zeynep.username,
        citizen_key(secret, zeynep.user_id), person_key(secret, zeynep.user_id),
        respondent_key(secret, "disability_centre", zeynep.user_id),
    ]
    assert await tables_holding(db, linked) == {}
    # Her place went to the waiting list, who is told; nothing reaches her chat any more.
    shown = len(await zeynep.bot_messages())
    stats = await bot.drain()
    assert stats.sent == 1 and len(await zeynep.bot_messages()) == shown
    async with db.sessions() as session:
        assert (await session.execute(select(OutboxMessage.chat_id))).scalars().all() == [other.user_id]
    # What is left to clear her chat with: message ids, for half an hour at most.
    [trail] = await chat_trails(db)
    assert trail.expires_at <= bot.clock() + timedelta(minutes=40)
    assert all(isinstance(message_id, int) for message_id in trail.message_ids)
    bot.clock.offset += timedelta(minutes=41)
    assert await purge_expired_trails(bot) == 1


async def _figures(bot) -> dict[str, object]:
    """What managers read for 4.2.7, 4.2.8 and 4.2.11: the actuals and the rows behind them."""
    plan = load_plan()
    today = bot.clock().astimezone(bot.services.zone).date()
    first, last = today.replace(month=1, day=1), today.replace(month=12, day=31)
    start, end = bot.clock() - timedelta(days=400), bot.clock() + timedelta(days=400)
    async with bot.services.sessions() as session:
        observed = await observe(session, first=first, last=last, zone=bot.services.zone, plan=plan)
        figures: dict[str, object] = {code: observed.get(code) for code in ("4.2.7", "4.2.8", "4.2.11")}
        for code in ("4.2.7", "4.2.8", "4.2.11"):
            # A check-in's review flags are no figure: they read when the bot first saw the
            # person, which the erasure removes, so a "new account" flag may go with it.
            rows = await drill(session, plan.indicator(code), first, last, bot.services.zone)
            figures[f"drill {code}"] = tuple(replace(row, review=()) for row in rows)
        figures["events"] = await report_store.held_events(session, ["women", "disability_activity"], start, end)
    return figures


async def test_erasure_changes_no_figure_and_says_what_stays(bot, db) -> None:
    actor = await admin(bot)
    bot.clock.set(today_at(bot, 11))
    now = bot.clock()
    women = await publish(bot, actor, kind="women", centre="konak-kadin", title="Kahve sohbeti", place="Salon",
                          starts_at=now + timedelta(minutes=30))
    sport = await publish(bot, actor, kind="disability_activity", centre="bornova-engelli", title="Yüzme", place="Havuz",
                          starts_at=now + timedelta(minutes=30))
    music = await publish(bot, actor, kind="disability_activity", centre="bornova-engelli", title="Müzik", place="Salon",
                          starts_at=now + timedelta(minutes=60))
    selin, deniz = bot.citizen(781146211, "tr", "Selin"), bot.citizen(781246213, "tr", "Deniz")
    attending = ((selin, (women, sport, music)), (deniz, (sport,)))
    for person, attended in attending:  # all register while registration is open, then come
        await start_and_consent(person)
        for event in attended:
            await register_for(person, event, bot.services)
    for person, attended in attending:
        for event in attended:
            await check_in(person, bot, event)
    await apply_for_membership(selin)
    async with bot.services.sessions.begin() as session:
        applied = (await session.execute(select(Membership))).scalar_one()
        decision = await memberships.decide(session, actor, membership_id=applied.id, approve=True, reason=None,
                                            zone=bot.services.zone, now=bot.clock())
        await notices.queue(session, [decision.notice], zone=bot.services.zone, now=bot.clock())
    before = await _figures(bot)
    assert [before["4.2.7"].actual, before["4.2.8"].actual, before["4.2.11"].actual] == [1, 2, 1]  # type: ignore[union-attr]

    await selin.send("/forget")
    await press_on(selin, "Evet, hepsini silin")
    told = await selin.wait_for(says("Silindi"), timeout=30)

    assert await _figures(bot) == before
    assert "adınız, Telegram numaranız ve telefonunuz" in told["text"]
    assert "üyelik başvuruları" not in told["text"]  # the approved one was not removed: it stays, nameless
    assert "Başlamış etkinliklerdeki kaydınız ve katılımınız" in told["text"]
    assert "Onaylanmış üyelik, kişiyi gösteren hiçbir bilgi olmadan" in told["text"]
    async with db.sessions() as session:
        kept = (await session.execute(select(Membership))).scalar_one()
    assert (kept.status, kept.person_id, kept.member_name) == ("approved", None, "")
    assert await tables_holding(db, ["Hasan", "Demir", str(selin.user_id), person_key(bot.services.secret, selin.user_id)]) == {}
    assert (await row_counts(db, "registrations", "attendance"))["attendance"] == 4
