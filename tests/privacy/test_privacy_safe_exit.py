"""The safe exit, attacked as someone who picks up the phone afterwards: /cikis, /exit and the
"clear this chat" button leave nothing that Telegram still lets the bot delete, after /forget,
after a declined consent, and with reminders and notices in the chat; what is too old to
delete is said, not silently left."""

from __future__ import annotations

from datetime import timedelta

from exit_erasure_support import (  # noqa: F401  (bot is a fixture)
    admin,
    answer_of,
    bot,
    finish_the_womens_survey,
    on_screen,
    press_on,
    publish,
    register_for,
    says,
    start_and_consent,
    texts_on_screen,
    tomorrow_at,
)
from sqlalchemy import update

from bot.chat.reminders import queue_reminders
from storage.models import Citizen
from storage.pseudonyms import citizen_key

EXIT_LINE = "Oturum kapatıldı."
OLDER = "Telegram, botların yalnızca son 48 saatteki iletileri silmesine izin verir"


async def test_after_forget_the_exit_still_clears_the_survey_and_the_helplines(bot, db) -> None:
    zehra = bot.citizen(7601, "tr", "Zehra")
    await finish_the_womens_survey(zehra)
    await zehra.send("/forget")
    await press_on(zehra, "Evet, hepsini silin")
    done = await zehra.wait_for(says("Silindi"), timeout=30)
    # /forget clears the chat first: only its own answer is left.
    assert [m["message_id"] for m in await on_screen(zehra)] == [done["message_id"]]

    await zehra.send("/cikis")
    await zehra.wait_for(says(EXIT_LINE), timeout=30)
    assert await texts_on_screen(zehra) == [EXIT_LINE]


async def test_the_button_under_the_forget_answer_clears_it_too(bot, db) -> None:
    leyla = bot.citizen(7602, "tr", "Leyla")
    await finish_the_womens_survey(leyla)
    await leyla.send("/forget")
    await press_on(leyla, "Evet, hepsini silin")
    await leyla.wait_for(says("Silindi"), timeout=30)
    await press_on(leyla, "Sohbeti temizle ve çık")
    await leyla.wait_for(says(EXIT_LINE), timeout=30)
    assert await texts_on_screen(leyla) == [EXIT_LINE]


async def test_declining_a_renewed_consent_clears_the_earlier_survey(bot, db) -> None:
    """The notice changed and the person is asked again; they decline, which erases them: the
    chat must not keep the survey, with nothing left to find it by."""
    meryem = bot.citizen(7603, "tr", "Meryem")
    await start_and_consent(meryem)  # her profile holds the consent the notice change renews
    await finish_the_womens_survey(meryem, consented=True)
    async with db.sessions.begin() as session:
        await session.execute(
            update(Citizen).where(Citizen.key == citizen_key(bot.services.secret, meryem.user_id)).values(consents={"survey": {"version": "2025-01", "at": None}})
        )
    await meryem.send("/start")
    query = await press_on(meryem, "Hayır, onaylamıyorum")
    answer = await answer_of(meryem, query)
    assert await on_screen(meryem) == []
    assert answer["show_alert"]  # the answer is an alert: not even it stays in the chat

    await meryem.send("/exit")
    await meryem.wait_for(says(EXIT_LINE), timeout=30)
    assert await texts_on_screen(meryem) == [EXIT_LINE]


async def test_the_exit_deletes_reminders_and_notices_the_outbox_delivered(bot, db) -> None:
    actor = await admin(bot)
    event = await publish(bot, actor, kind="women", centre="konak-kadin", title="Şiddet gören kadınlar destek grubu",
                          place="Kadın Sığınma Evi", starts_at=tomorrow_at(bot, 14))
    sevgi = bot.citizen(7604, "tr", "Sevgi")
    await start_and_consent(sevgi)
    await register_for(sevgi, event, bot.services)
    bot.clock.set(tomorrow_at(bot, 12) - timedelta(days=1))  # the day before, at noon
    assert await queue_reminders(bot.services) == 1
    seen = max(m["message_id"] for m in await sevgi.bot_messages())
    assert (await bot.drain()).sent == 1
    await sevgi.wait_for(lambda m: m["message_id"] > seen, timeout=30)  # the reminder is on screen

    await sevgi.send("/cikis")
    await sevgi.wait_for(says(EXIT_LINE), timeout=30)
    assert await texts_on_screen(sevgi) == [EXIT_LINE]


async def test_messages_past_telegrams_48_hours_are_named_in_the_exit(bot, db) -> None:
    ayten = bot.citizen(7605, "tr", "Ayten")
    await finish_the_womens_survey(ayten)
    await bot.emulator.advance_clock(49 * 3600)
    bot.clock.offset += timedelta(hours=49)
    await ayten.send("/cikis")
    reply = await ayten.wait_for(says(EXIT_LINE), timeout=30)
    # Telegram refused to delete them: they are still there, and the exit says so and how.
    assert len(await on_screen(ayten)) > 2
    assert OLDER in reply["text"] and "Sohbeti sil" in reply["text"]
