"""Command menus are stored per (scope, language) and resolved like Telegram clients do."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from devtools.emulator import EmulatorClient, SimulatedUser


async def test_commands_are_kept_per_language_and_scope(bot: Bot, emulator: EmulatorClient) -> None:
    await bot.set_my_commands([BotCommand("start", "Başla"), BotCommand("anket", "Ankete katıl")])
    await bot.set_my_commands([BotCommand("start", "ابدأ")], language_code="ar")
    await bot.set_my_commands(
        [BotCommand("etkinlik", "Etkinlik oluştur")], scope=BotCommandScopeChat(3003)
    )

    assert [c.command for c in await bot.get_my_commands()] == ["start", "anket"]
    assert [c.description for c in await bot.get_my_commands(language_code="ar")] == ["ابدأ"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(3003))] == [
        "etkinlik"
    ]

    arabic = SimulatedUser(emulator, 3001, "Layla", "ar")
    staff = SimulatedUser(emulator, 3003, "Zeynep", "tr")
    await arabic.register()
    await staff.register()
    assert (await emulator.commands(3001))["commands"] == [
        {"command": "start", "description": "ابدأ"}
    ]
    assert (await emulator.commands(3003))["commands"][0]["command"] == "etkinlik"

    await bot.delete_my_commands(language_code="ar")
    assert await bot.get_my_commands(language_code="ar") == ()
    assert [c["command"] for c in (await emulator.commands(3001))["commands"]] == ["start", "anket"]
