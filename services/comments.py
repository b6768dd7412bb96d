"""The free-text comments a member may read: staff their own centres', managers and admins every
centre's, over the last 90 days; anonymous ones only in groups of at least 5 (reports.comments).
Chat's /yorumlar and the web panel read the same list."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from reports.comments import Comment, comment_list, text_questions
from services import roles
from storage.repositories.comments import text_answers
from surveys.definition import load_shipped

DAYS = 90  # the comments of the last 90 days, ending on the day the list was first asked for


async def readable(session: AsyncSession, actor: roles.Actor, last: date) -> tuple[date, tuple[Comment, ...]]:
    """The first day of the window ending on `last`, and the comments `actor` may read in it,
    newest first."""
    centres = roles.centres_for(actor, "comment.read")
    surveys = load_shipped()
    first = last - timedelta(days=DAYS - 1)
    rows = await text_answers(session, first, last, text_questions(surveys.values()), centre_ids=centres)
    return first, comment_list(rows, surveys)
