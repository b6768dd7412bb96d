"""Before consent, attacked as someone with a copy of the database and the key: opening the
sensitive link and choosing a language stores no person, no state and no survey name; only the
ids of the messages shown, for minutes, so the chat can still be cleared. Declining keeps
nothing at all and leaves nothing on screen."""

from __future__ import annotations

from datetime import timedelta

from exit_erasure_support import (  # noqa: F401  (bot is a fixture)
    answer_of,
    bot,
    chat_trails,
    on_screen,
    press_on,
    purge_expired_trails,
    row_counts,
    says,
    tables_holding,
    texts_on_screen,
)

from storage.pseudonyms import citizen_key


def _linked(bot, user) -> list[str]:  # type: ignore[no-untyped-def]
    return ["women_support", "degerlendirme", str(user.user_id), user.first_name, citizen_key(bot.services.secret, user.user_id)]


async def test_opening_the_sensitive_link_stores_only_message_ids_and_only_for_minutes(bot, db) -> None:
    hale = bot.citizen(790146301, "tr", "Hale")
    await hale.send("/start degerlendirme")
    await press_on(hale, "Türkçe")
    await hale.wait_for(says("açık rıza"), timeout=30)

    assert await tables_holding(db, _linked(bot, hale)) == {}
    assert await row_counts(db, "citizens", "conversations", "people") == {"citizens": 0, "conversations": 0, "people": 0}
    [trail] = await chat_trails(db)
    assert len(trail.message_ids) == 4  # /start, the language screen, the notice, the consent question
    assert trail.expires_at <= bot.clock() + timedelta(minutes=40)

    # Those ids are enough for the safe exit.
    await hale.send("/cikis")
    await hale.wait_for(says("Oturum kapatıldı."), timeout=30)
    assert await texts_on_screen(hale) == ["Oturum kapatıldı."]
    assert await row_counts(db, "chat_trails") == {"chat_trails": 0}

    # Left on the consent screen, the ids go within minutes too.
    await hale.send("/start degerlendirme")
    await press_on(hale, "Türkçe")
    await hale.wait_for(says("açık rıza"), timeout=30)
    bot.clock.offset += timedelta(minutes=41)
    assert await purge_expired_trails(bot) == 1
    assert await tables_holding(db, _linked(bot, hale)) == {}


async def test_consenting_goes_on_to_the_survey_the_link_opened(bot, db) -> None:
    """The link was never stored: it rode in the buttons."""
    hale = bot.citizen(790246303, "tr", "Hale")
    await hale.send("/start degerlendirme")
    await press_on(hale, "Türkçe")
    await press_on(hale, "Evet, onaylıyorum")
    await hale.wait_for(says("Son 12 ayda"), timeout=30)
    assert await row_counts(db, "chat_trails") == {"chat_trails": 0}  # the conversation holds the ids now


async def test_declining_keeps_nothing_and_leaves_an_empty_chat(bot, db) -> None:
    derya = bot.citizen(790346307, "tr", "Derya")
    await derya.send("/start degerlendirme")
    await press_on(derya, "Türkçe")
    query = await press_on(derya, "Hayır, onaylamıyorum")
    answer = await answer_of(derya, query)
    assert await on_screen(derya) == []
    assert await tables_holding(db, _linked(bot, derya)) == {}
    assert answer["show_alert"] and "Hiçbir bilginizi saklamadık" in answer["text"]
    assert await row_counts(db, "citizens", "conversations", "chat_trails") == {"citizens": 0, "conversations": 0, "chat_trails": 0}
