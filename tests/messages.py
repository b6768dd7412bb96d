"""What the end-to-end tests look for in a message the bot sent (as the emulator shows it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Message = dict[str, Any]


def has_button(text: str) -> Callable[[Message], bool]:
    def check(message: Message) -> bool:
        markup = message.get("reply_markup") or {}
        return any(button["text"] == text for row in markup.get("inline_keyboard", []) for button in row)

    return check


def says(fragment: str) -> Callable[[Message], bool]:
    """The fragment in the message's text, or a photo's caption."""
    return lambda message: fragment in (message.get("text") or message.get("caption") or "")
