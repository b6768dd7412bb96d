"""Keyed pseudonyms: stable for the bot, meaningless without KENTBOT_SECRET.

A citizen key lets the bot remember a language and a conversation without storing the
Telegram id. A respondent key for an anonymous survey is scoped to survey and period, so two
answers of the same person cannot be linked, yet a second answer in one period is refused.
"""

from __future__ import annotations

import hashlib
import hmac


def _mac(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def citizen_key(secret: bytes, telegram_user_id: int) -> str:
    return _mac(secret, "citizen", str(telegram_user_id))


def trail_key(secret: bytes, telegram_user_id: int) -> str:
    """Its own domain, so a chat trail cannot be joined to a citizen's rows by key."""
    return _mac(secret, "trail", str(telegram_user_id))


def respondent_key(secret: bytes, survey_id: str, period: str, telegram_user_id: int, anonymity: str) -> str:
    """Anonymous: scoped to survey and period. Otherwise: the same for a person across periods."""
    if anonymity == "anonymous":
        return _mac(secret, "respondent", survey_id, period, str(telegram_user_id))
    return _mac(secret, "respondent", survey_id, str(telegram_user_id))


def beneficiary_key(secret: bytes, scope: str, identity: str) -> str:
    """Counts a distinct person (an attendee, an aid recipient) without naming them."""
    return _mac(secret, "beneficiary", scope, identity)
