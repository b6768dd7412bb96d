"""Sending, formatting and validation as python-telegram-bot experiences them."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken

from devtools.emulator import EmulatorClient, SimulatedUser


async def test_get_me_reports_the_bot_behind_the_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot
    assert me.username == "kentbot_emulator_bot"


async def test_unknown_token_is_unauthorized(emulator: EmulatorClient) -> None:
    other = "123456789:" + "x" * 35
    with pytest.raises(InvalidToken):
        async with Bot(other, base_url=emulator.bot_base_url):
            pass
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{emulator.bot_base_url}{other}/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(emulator: EmulatorClient, token: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{emulator.bot_base_url}{token}/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_and_query_bodies_are_accepted(
    emulator: EmulatorClient, user: SimulatedUser, token: str
) -> None:
    url = f"{emulator.bot_base_url}{token}"
    async with httpx.AsyncClient() as http:
        by_json = await http.post(f"{url}/sendMessage", json={"chat_id": 1001, "text": "json"})
        by_query = await http.get(f"{url}/SENDMESSAGE", params={"chat_id": "1001", "text": "query"})
    assert by_json.json()["result"]["text"] == "json"
    assert by_query.json()["ok"] is True
    assert [m["text"] for m in await user.bot_messages()] == ["json", "query"]


async def test_sent_message_appears_in_the_simulated_chat(bot: Bot, user: SimulatedUser) -> None:
    sent = await bot.send_message(1001, "Hoş geldiniz")
    chat = await user.chat()
    assert [(m["from"], m["text"]) for m in chat] == [("user", "merhaba"), ("bot", "Hoş geldiniz")]
    assert chat[1]["message_id"] == sent.message_id
    assert sent.chat.id == 1001 and sent.from_user is not None and sent.from_user.is_bot


async def test_html_is_parsed_into_entities(bot: Bot, user: SimulatedUser) -> None:
    sent = await bot.send_message(
        1001, "  <b>Kayıt</b> tamam 👍 <i>x</i> ", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Kayıt tamam 👍 x"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("italic", 15, 1),
    ]
    with pytest.raises(BadRequest, match='(?i)unsupported start tag "script"'):
        await bot.send_message(1001, "<script>x</script>", parse_mode=ParseMode.HTML)


async def test_too_long_and_empty_text_are_refused(bot: Bot, user: SimulatedUser) -> None:
    await bot.send_message(1001, "a" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(1001, "a" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(1001, "   ")


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, user: SimulatedUser) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Evet", callback_data=data)]])

    await bot.send_message(1001, "ok", reply_markup=keyboard("ç" * 32))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "too big", reply_markup=keyboard("ç" * 32 + "x"))


async def test_chat_rules_unknown_and_not_started(bot: Bot, emulator: EmulatorClient) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(4242, "kimse yok")
    silent = SimulatedUser(emulator, 2002, "Mehmet")
    await silent.register()
    with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
        await bot.send_message(2002, "merhaba")


async def test_blocked_user_is_forbidden_and_bot_is_told(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    await user.block()
    assert (await emulator.user(1001))["blocked"] is True
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(1001, "anket")
    updates = await bot.get_updates()
    status = updates[-1].my_chat_member
    assert status is not None and status.new_chat_member.status == "kicked"
    await user.unblock()
    await bot.send_message(1001, "tekrar hoş geldiniz")
