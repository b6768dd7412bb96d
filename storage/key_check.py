"""The pseudonym key is checked against the database, never guessed.

Every pseudonym (citizens, respondents, attendees, aid recipients) is an HMAC with
KENTBOT_SECRET. Started with another key (another data folder, a misspelt variable, a lost
secret file) the bot would silently treat everyone as new and stop enforcing one answer per
period. The database keeps a check value of the key; a process with a key that does not match
stops with one line instead.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import KeyCheck

NAME = "pseudonym-key"
_TEXT = b"kentbot pseudonym key check v1"


class KeyMismatch(Exception):
    """The configured key is not the one the database was made with."""


def check_value(secret: bytes) -> str:
    return hmac.new(secret, _TEXT, hashlib.sha256).hexdigest()


async def verify(session: AsyncSession, secret: bytes, now: datetime) -> None:
    """Record the key's check value on first use (a new database, or one from before the
    check existed); afterwards refuse any other key."""
    await session.execute(
        insert_ignoring_conflicts(session, KeyCheck).values(name=NAME, check_value=check_value(secret), created_at=now)
    )
    stored = await session.get(KeyCheck, NAME)
    assert stored is not None
    if not hmac.compare_digest(stored.check_value, check_value(secret)):
        raise KeyMismatch
