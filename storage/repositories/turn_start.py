"""What a citizen's turn starts from, read in one statement: the person's profile and
conversation, the draft of their anonymous survey and their chat trail.

Each is stored under a pseudonym of its own domain (`storage.pseudonyms`), so no stored value
joins them; only this read, in memory, holds the keys side by side. One statement instead of
three: a turn is the hottest path, and each statement costs a round trip to the database (on
SQLite, a hand-off to the driver's thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, literal, select

from storage.dialect import Executor
from storage.models import ChatTrail, SurveyDraft
from storage.repositories import citizens


@dataclass(frozen=True)
class Start:
    profile: citizens.Profile | None
    conversation: citizens.Stored | None
    draft: tuple[bytes, datetime] | None  # sealed, expires_at; an expired one too (see drafts.load)
    trail: list[int]  # the chat trail's ids; none once it expired, purged or not


_drafts, _trails = SurveyDraft.__table__, ChatTrail.__table__
_one = select(literal(1).label("one")).subquery("one")
_START = select(
    *citizens.COLUMNS, _drafts.c.sealed, _drafts.c.expires_at, _trails.c.message_ids.label("trail"),
).select_from(
    _one.outerjoin(citizens.PROFILE_AND_CONVERSATION, citizens.KEY_MATCHES)
    .outerjoin(_drafts, _drafts.c.key == bindparam("draft"))
    .outerjoin(_trails, and_(_trails.c.key == bindparam("trail"), _trails.c.expires_at > bindparam("now")))
)


async def load(session: Executor, key: str, draft_key: str, trail_key: str, now: datetime) -> Start:
    row = (await session.execute(_START, {"person": key, "draft": draft_key, "trail": trail_key, "now": now})).one()
    profile, conversation = citizens.split_row(row) if row.key_found else (None, None)
    draft = None if row.sealed is None else (row.sealed, row.expires_at)
    return Start(profile, conversation, draft, list(row.trail or []))
