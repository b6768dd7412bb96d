"""Updates from simulated users reach the bot through getUpdates as Telegram delivers them."""

from __future__ import annotations

import asyncio

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Conflict

from devtools.emulator import EmulatorClient, SimulatedUser
from devtools.emulator.client import EmulatorError
from tests.waiting import eventually


async def _polling(emulator: EmulatorClient, calls_before: int) -> None:
    """Wait until the emulator has taken the long poll made after `calls_before` getUpdates calls."""

    async def arrived() -> bool:
        return (await emulator.metrics())["method_calls"].get("getUpdates", 0) > calls_before

    await eventually(arrived, "the long poll to reach the emulator")


async def test_long_poll_waits_for_the_next_update(bot: Bot, emulator: EmulatorClient) -> None:
    citizen = SimulatedUser(emulator, 1001, "Ayşe")
    await citizen.register()
    calls = (await emulator.metrics())["method_calls"].get("getUpdates", 0)
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await _polling(emulator, calls_before=calls)
    assert not poll.done()
    await citizen.send("/start kadin_merkezi")
    updates = await asyncio.wait_for(poll, 2)
    message = updates[0].message
    assert message is not None and message.text == "/start kadin_merkezi"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert message.chat.id == 1001 and message.from_user is not None
    assert message.from_user.language_code == "tr"

    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_update_ids_increase_and_allowed_updates_filter(
    bot: Bot, user: SimulatedUser
) -> None:
    await user.send_kind("location")
    await user.send_kind("document", content=b"%PDF-1.4", file_name="rapor.pdf")
    updates = await bot.get_updates()
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert updates[1].message is not None and updates[1].message.location is not None
    assert updates[2].message is not None and updates[2].message.document is not None
    assert await bot.get_updates(allowed_updates=["callback_query"]) == ()


async def test_press_creates_a_callback_query_from_a_real_button(
    bot: Bot, user: SimulatedUser
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Memnunum", callback_data="s:5")]])
    sent = await bot.send_message(1001, "Memnun musunuz?", reply_markup=keyboard)
    query_id = await user.press("Memnunum")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.id == query_id and query.data == "s:5"
    assert query.message is not None and query.message.message_id == sent.message_id

    assert (await user.callback_queries())[0]["answered"] is False
    assert await bot.answer_callback_query(query_id, text="Teşekkürler")
    answered = (await user.callback_queries())[0]
    assert answered["answered"] and answered["answer"]["text"] == "Teşekkürler"
    with pytest.raises(BadRequest, match="(?i)query ID is invalid"):
        await bot.answer_callback_query(query_id)

    with pytest.raises(EmulatorError, match="no such button"):
        await user.press(callback_data="s:1")


async def test_a_late_answer_to_a_button_is_refused(bot: Bot, user: SimulatedUser, emulator: EmulatorClient) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Memnunum", callback_data="s:5")]])
    await bot.send_message(1001, "Memnun musunuz?", reply_markup=keyboard)
    query_id = await user.press("Memnunum")
    await emulator.advance_clock(16)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert (await user.callback_queries())[0]["answered"] is False


async def test_forged_and_duplicate_updates_can_be_injected(
    bot: Bot, emulator: EmulatorClient
) -> None:
    forged = {
        "update_id": 77,
        "callback_query": {
            "id": "forged",
            "from": {"id": 9, "is_bot": False, "first_name": "Mallory"},
            "chat_instance": "1",
            "data": "admin:delete_all",
        },
    }
    await emulator.inject_update(forged)
    await emulator.inject_update(forged)
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [77, 77]
    assert updates[0].callback_query is not None
    assert updates[0].callback_query.data == "admin:delete_all"


async def test_second_bot_instance_conflicts_with_the_first(
    bot: Bot, emulator: EmulatorClient, token: str
) -> None:
    calls = (await emulator.metrics())["method_calls"].get("getUpdates", 0)
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await _polling(emulator, calls_before=calls)
    async with Bot(token, base_url=emulator.bot_base_url) as duplicate:
        second = asyncio.create_task(duplicate.get_updates(timeout=0.2))
        with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
            await asyncio.wait_for(first, 2)
        assert await second == ()


async def test_every_message_kind_parses_in_python_telegram_bot(
    bot: Bot, emulator: EmulatorClient
) -> None:
    citizen = SimulatedUser(emulator, 1001, "Ayşe")
    for kind in ("sticker", "photo", "voice", "location", "document", "contact"):
        await citizen.send_kind(kind)
    messages = [u.message for u in await bot.get_updates()]
    assert [m.effective_attachment.__class__.__name__ for m in messages if m] == [
        "Sticker",
        "tuple",
        "Voice",
        "Location",
        "Document",
        "Contact",
    ]
    with pytest.raises(EmulatorError, match="unknown message kind"):
        await citizen.send_kind("hologram")


async def test_reply_keyboard_is_what_the_user_sees_until_removed(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    await bot.send_message(1001, "Dil?", reply_markup=ReplyKeyboardMarkup([["Türkçe", "العربية"]]))
    shown = (await emulator.chat(1001))["reply_keyboard"]
    assert [b["text"] for b in shown["keyboard"][0]] == ["Türkçe", "العربية"]
    await bot.send_message(1001, "Tamam", reply_markup=ReplyKeyboardRemove())
    assert (await emulator.chat(1001))["reply_keyboard"] is None



async def test_get_updates_forgets_only_the_updates_below_its_offset(
    bot: Bot, emulator: EmulatorClient
) -> None:
    await emulator.create_user(1001, "Ayşe")
    ids = [(await emulator.send_message(1001, {"text": text}))["update_id"] for text in ("bir", "iki", "üç")]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == ids
    # An offset confirms the updates before it, and only those: the rest come again.
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], timeout=0)] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], timeout=0)] == ids[1:]
    assert (await emulator.metrics())["pending_updates"] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1, timeout=0) == ()
    deliveries = (await emulator.metrics())["update_deliveries"]
    assert deliveries == {str(ids[0]): 1, str(ids[1]): 3, str(ids[2]): 3}


async def test_an_update_can_be_read_back_and_delivered_again(bot: Bot, emulator: EmulatorClient) -> None:
    await emulator.create_user(1001, "Ayşe")
    update_id = (await emulator.send_message(1001, {"text": "tekrar"}))["update_id"]
    original = await emulator.update(update_id)
    assert original["update_id"] == update_id and original["message"]["text"] == "tekrar"
    await emulator.inject_update(original)
    first, again = await bot.get_updates(timeout=0)
    assert first.update_id == again.update_id == update_id
    assert again.message is not None and again.message.text == "tekrar"
    with pytest.raises(EmulatorError, match="404"):
        await emulator.update(update_id + 1)
