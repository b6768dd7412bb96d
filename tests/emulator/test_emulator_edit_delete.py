"""Editing and deleting follow Telegram's rules, including the 48-hour deletion window."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from devtools.emulator import EmulatorClient, SimulatedUser

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Evet", callback_data="yes")]])


async def test_edit_message_text_changes_the_message_in_place(
    bot: Bot, user: SimulatedUser
) -> None:
    sent = await bot.send_message(1001, "Soru 1/5", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text(
        "Soru 2/5", chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert edited.edit_date is not None
    messages = await user.bot_messages()
    assert len(messages) == 1
    assert messages[0]["text"] == "Soru 2/5" and messages[0]["edited"]
    assert messages[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"


async def test_edit_without_markup_drops_the_keyboard(bot: Bot, user: SimulatedUser) -> None:
    sent = await bot.send_message(1001, "Soru", reply_markup=KEYBOARD)
    await bot.edit_message_text("Teşekkürler", chat_id=1001, message_id=sent.message_id)
    assert (await user.last_bot_message())["reply_markup"] is None  # type: ignore[index]


async def test_identical_edit_is_not_modified(bot: Bot, user: SimulatedUser) -> None:
    sent = await bot.send_message(1001, "Aynı", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "Aynı", chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    await bot.edit_message_reply_markup(chat_id=1001, message_id=sent.message_id)
    assert (await user.last_bot_message())["reply_markup"] is None  # type: ignore[index]


async def test_editing_a_missing_message_fails(bot: Bot, user: SimulatedUser) -> None:
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)


async def test_delete_within_48_hours_then_refused_after(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    fresh = await bot.send_message(1001, "silinecek")
    old = await bot.send_message(1001, "eski")
    assert await bot.delete_message(1001, fresh.message_id)
    chat = await user.chat()
    assert [m["deleted"] for m in chat if m["from"] == "bot"] == [True, False]
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(1001, fresh.message_id)

    await emulator.advance_clock(48 * 3600)
    with pytest.raises(BadRequest, match="(?i)message can't be deleted"):
        await bot.delete_message(1001, old.message_id)
    assert not (await user.chat())[-1]["deleted"]


async def test_delete_messages_skips_what_it_cannot_delete(bot: Bot, user: SimulatedUser) -> None:
    first = await bot.send_message(1001, "bir")
    second = await bot.send_message(1001, "iki")
    assert await bot.delete_messages(1001, [first.message_id, second.message_id, 777])
    assert await user.bot_messages() == []
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_messages(1001, [first.message_id])


async def test_delete_messages_takes_the_persons_own_and_skips_the_old_and_the_missing(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    """A bot may delete both sides of a private chat, within 48 hours; older and unknown ids
    are skipped without failing the call."""
    old = await bot.send_message(1001, "eski")
    await emulator.advance_clock(48 * 3600)
    typed = await user.send("yeni")
    fresh = await bot.send_message(1001, "yeni cevap")
    assert await bot.delete_messages(1001, [old.message_id, typed["message_id"], fresh.message_id, 999])
    left = [m["text"] for m in await user.chat() if not m["deleted"]]
    assert left == ["merhaba", "eski"]


async def test_a_silent_message_is_shown_as_silent(bot: Bot, user: SimulatedUser) -> None:
    """disable_notification: the phone shows the preview without a sound."""
    await bot.send_message(1001, "sessiz", disable_notification=True)
    await bot.send_message(1001, "sesli")
    assert [(m["text"], m["silent"]) for m in await user.bot_messages()] == [("sessiz", True), ("sesli", False)]
