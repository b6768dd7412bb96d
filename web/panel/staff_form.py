"""The staff invite form checked as `kentbot staff invite` checks its arguments, one message per
field, before anything is written; the service (services.invites) checks again."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from services.roles import ROLES

# The service's own bound: an invite lives at most 30 days.
MAX_HOURS = 24 * 30
DEFAULT_HOURS = 72


@dataclass(frozen=True)
class InviteForm:
    role: str
    centre_id: str | None
    hours: float


def invite_form(role: str, centre: str, hours: str, centres: Collection[str]) -> InviteForm | dict[str, str]:
    """The invite asked for, or each wrong field's problem: `role`, `centre`, `hours`."""
    problems: dict[str, str] = {}
    if role not in ROLES:
        problems["role"] = "role"
    centre_id = centre.strip() or None
    if centre_id is not None and centre_id not in centres:
        problems["centre"] = "centre_unknown"
    elif centre_id is None and role == "staff":
        problems["centre"] = "centre_needed"
    try:
        value = float(hours.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_HOURS:  # NaN fails too
        problems["hours"] = "hours"
    return problems or InviteForm(role, centre_id, value)
