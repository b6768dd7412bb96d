"""A citizen completes surveys through the real bot, over real HTTP to the emulator."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Answer, Response


def _has_button(text: str):
    def check(message: dict) -> bool:
        markup = message.get("reply_markup") or {}
        return any(button["text"] == text for row in markup.get("inline_keyboard", []) for button in row)

    return check


def _text_contains(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


async def test_turkish_citizen_completes_the_disability_survey(live_bot, db) -> None:
    ayse = live_bot.citizen(5001, "tr")
    await ayse.send("/start")
    await ayse.wait_for(_has_button("Türkçe"))
    await ayse.press("Türkçe")
    await ayse.wait_for(_has_button("Evet, onaylıyorum"))
    await ayse.press("Evet, onaylıyorum")
    await ayse.wait_for(_text_contains("Hangi hizmeti"))
    chat = await ayse.chat()
    print([m.get("text") for m in chat["messages"]])
