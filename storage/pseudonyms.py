"""Keyed pseudonyms: stable for the bot, meaningless without KENTBOT_SECRET.

Each pseudonym has its own domain (the first part of the HMAC input), so two of them made from
the same Telegram id never match: a citizen key cannot be joined to a draft key, nor either to
a participation token.

A citizen key lets the bot remember a language and a conversation without storing the
Telegram id. A respondent key ties a response of a non-anonymous survey to the person (so
/forget can erase it). An anonymous survey has no respondent key: one response per period is
kept by a participation token, `HMAC(period_salt, participant)`, whose random salt is destroyed
when the period ends (storage/repositories/participation.py).
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


def respondent_key(secret: bytes, survey_id: str, telegram_user_id: int) -> str:
    """A person's responses to a non-anonymous survey, the same across periods."""
    return _mac(secret, "respondent", survey_id, str(telegram_user_id))


def draft_key(secret: bytes, telegram_user_id: int) -> str:
    """Where a person's anonymous survey in progress is kept."""
    return _mac(secret, "draft", str(telegram_user_id))


def participant(secret: bytes, telegram_user_id: int) -> str:
    """The inner half of a participation token; stored nowhere."""
    return _mac(secret, "participant", str(telegram_user_id))


def participation_token(period_salt: bytes, participant_mac: str) -> str:
    """Recognises a second response in the period; without the period's salt, nothing."""
    return hmac.new(period_salt, participant_mac.encode(), hashlib.sha256).hexdigest()


def beneficiary_key(secret: bytes, scope: str, identity: str) -> str:
    """Counts a distinct person (an attendee, an aid recipient) without naming them."""
    return _mac(secret, "beneficiary", scope, identity)
