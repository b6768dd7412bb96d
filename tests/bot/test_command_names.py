"""Turkish users are shown Turkish commands; every name, Turkish or English, works for everyone."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CommandHandler

from bot.command_names import CITIZEN_COMMANDS, accepted, shown
from bot.i18n import LANGUAGES, catalogue

COMMAND = re.compile(r"(?<![\w/])/([a-z_]+)")
COMMANDS = CITIZEN_COMMANDS + ("report", "indicator", "subscribe", "unsubscribe")
ENGLISH_ONLY = {shown(key, "en") for key in COMMANDS} - {"start"}


def _mentioned(lang: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for key, text in catalogue(lang).items():
        for name in COMMAND.findall(text):
            found.setdefault(name, set()).add(key)
    return found


def test_turkish_texts_name_only_turkish_commands() -> None:
    english = {name: keys for name, keys in _mentioned("tr").items() if name in ENGLISH_ONLY}
    assert english == {}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_english_and_arabic_texts_name_the_english_commands(lang: str) -> None:
    turkish_only = {shown(key, "tr") for key in COMMANDS} - {shown(key, "en") for key in COMMANDS}
    assert {name: keys for name, keys in _mentioned(lang).items() if name in turkish_only} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_a_text_names_is_handled(inprocess_bot, lang: str) -> None:
    handled = {
        command
        for group in inprocess_bot.application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    assert set(_mentioned(lang)) - handled == set()


def test_every_citizen_command_answers_to_both_names() -> None:
    for key in CITIZEN_COMMANDS:
        assert {shown(key, "tr"), shown(key, "en")} <= set(accepted(key))


async def test_a_turkish_user_gets_help_with_yardim_and_an_english_user_with_help(inprocess_bot) -> None:
    await inprocess_bot.feed(inprocess_bot.message_update(7301, "/yardim"))
    await inprocess_bot.feed(inprocess_bot.message_update(7302, "/help", language_code="en"))
    texts = [call.params.get("text") or "" for call in inprocess_bot.api.calls if call.method == "sendMessage"]
    assert any("/dil — dili değiştirin" in text for text in texts)
    assert any("/language — change the language" in text for text in texts)
