"""Response rates of the survey invitations: for each survey and what sent the invitations
(after an activity, a campaign to attendees, members or all), how many were invited,
delivered, started and completed, in total, by centre and by week of invitation.

The completion rate is completed of delivered: an invitation Telegram never took could not be
answered. For an anonymous survey started and completed are not known (None): knowing them
would tie an anonymous answer to the person invited, so they are never recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storage.invitation_rows import InvitationRow

LOW_RATE = 20.0  # percent: a completion rate under it is warned about
MIN_DELIVERED = 5  # fewer delivered invitations make no rate worth a warning

BREAKDOWNS = ("total", "centre", "week")


@dataclass(frozen=True)
class RateRow:
    survey_id: str
    source: str
    by: str  # "total", "centre" or "week"
    key: str | None  # the centre's name or the ISO week (2026-W48); None for the total
    invited: int
    delivered: int
    started: int | None  # None for an anonymous survey
    completed: int | None
    completion_rate: float | None  # percent of delivered; None when unknown or nothing delivered

    @property
    def low(self) -> bool:
        rate = self.completion_rate
        return self.by == "total" and rate is not None and self.delivered >= MIN_DELIVERED and rate < LOW_RATE


def response_rates(rows: Iterable[InvitationRow]) -> tuple[RateRow, ...]:
    """Every survey and source in total, then by centre (invitations after an activity) and by week."""
    groups: dict[tuple[str, str, str, str | None], list[InvitationRow]] = defaultdict(list)
    for row in rows:
        year, week, _ = row.invited_on.isocalendar()
        groups[(row.survey_id, row.source, "total", None)].append(row)
        if row.centre is not None:
            groups[(row.survey_id, row.source, "centre", row.centre)].append(row)
        groups[(row.survey_id, row.source, "week", f"{year}-W{week:02d}")].append(row)
    order = {by: index for index, by in enumerate(BREAKDOWNS)}
    return tuple(
        _rate(key, members)
        for key, members in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1], order[item[0][2]],
                                                                      item[0][3] or ""))
    )


def _rate(key: tuple[str, str, str, str | None], rows: list[InvitationRow]) -> RateRow:
    survey_id, source, by, group = key
    delivered = sum(row.delivered for row in rows)
    known = not any(row.anonymous for row in rows)
    started = sum(row.started for row in rows) if known else None
    completed = sum(row.completed for row in rows) if known else None
    rate = 100 * completed / delivered if completed is not None and delivered else None
    return RateRow(survey_id, source, by, group, len(rows), delivered, started, completed, rate)
