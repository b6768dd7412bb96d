"""Inline keyboards with words on every button, and always a way back or out."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import LANGUAGES, t


def rows(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Build a keyboard from rows of (label, callback data); empty rows are dropped."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows if row]
    )


def languages(carried: str | None = None) -> InlineKeyboardMarkup:
    """`carried`: what the person opened before consenting, kept in the button, not stored."""
    suffix = f".{carried}" if carried else ""
    return rows([(t(lang, f"button.lang.{lang}"), pack("language", lang + suffix)) for lang in LANGUAGES])


def consent(lang: str, carried: str | None = None) -> InlineKeyboardMarkup:
    """The chosen language and what the person opened ride in the buttons: nothing is stored
    before consent."""
    suffix = f".{carried}" if carried else ""
    return rows(
        [(t(lang, "button.consent.yes"), pack("consent", f"yes.{lang}{suffix}"))],
        [(t(lang, "button.consent.no"), pack("consent", f"no.{lang}"))],
    )


def forget(lang: str) -> InlineKeyboardMarkup:
    return rows(
        [(t(lang, "button.forget.yes"), pack("forget", "yes"))],
        [(t(lang, "button.forget.no"), pack("forget", "no"))],
    )


def clear_chat(lang: str) -> InlineKeyboardMarkup:
    return rows([(t(lang, "button.clear_chat"), pack("exit"))])
