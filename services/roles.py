"""Who may do what. The role is read from the database on every update, so a revoked member
loses every right at once, and nothing a button carries can raise anyone's rights."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StaffCentre, StaffMember

ROLES = ("admin", "manager", "staff")

# Actions any staff member may take for a centre they are assigned to; managers and admins
# may take them for every centre.
CENTRE_ACTIONS = frozenset(
    {
        "event.create",
        "event.publish",
        "event.cancel",
        "event.move",
        "attendance.record",
        "attendance.merge",
        "entry.add",
        "membership.approve",
        "membership.decline",
        "comment.read",
    }
)
# Actions reserved for managers and admins.
MANAGER_ACTIONS = frozenset({"entry.correct", "entry.milestone", "report.read", "plan.set"})
ADMIN_ACTIONS = frozenset({"staff.invite", "staff.revoke", "staff.centre.add", "staff.centre.remove"})
# Actions every active staff member may take, whatever their centres.
MEMBER_ACTIONS = frozenset({"panel.open", "staff.language"})
ACTIONS = CENTRE_ACTIONS | MANAGER_ACTIONS | ADMIN_ACTIONS | MEMBER_ACTIONS


class Refused(Exception):
    """The actor may not do this; the message says why in plain words (English, for logs)."""


@dataclass(frozen=True)
class Actor:
    """A staff member as of this transaction."""

    staff_id: int
    role: str
    centres: frozenset[str]
    name: str
    language: str
    # Where they act from: None in chat; "web" in the web panel, which the audit log shows.
    via: str | None = None

    @property
    def label(self) -> str:
        """How the audit log names them: `staff:7` in chat, `web:staff:7` in the web panel."""
        return f"staff:{self.staff_id}" if self.via is None else f"{self.via}:staff:{self.staff_id}"


def can(actor: Actor | None, action: str, centre_id: str | None = None) -> bool:
    """Pure permission check: citizens (None) can do none of the staff actions."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor is None:
        return False
    if action in MEMBER_ACTIONS or actor.role == "admin":
        return True
    if action in ADMIN_ACTIONS:
        return False
    if actor.role == "manager":
        return True
    if action in MANAGER_ACTIONS:
        return False
    return centre_id is not None and centre_id in actor.centres


def centres_for(actor: Actor | None, action: str) -> frozenset[str] | None:
    """The centres `actor` may take a centre action for: None for every centre (managers and
    admins), an empty set for a citizen."""
    if actor is not None and actor.role in ("admin", "manager"):
        return None if can(actor, action) else frozenset()
    return frozenset(centre for centre in (actor.centres if actor else ()) if can(actor, action, centre))


def require(actor: Actor | None, action: str, centre_id: str | None = None) -> Actor:
    if not can(actor, action, centre_id):
        raise Refused(f"{action} refused" + (f" for centre {centre_id}" if centre_id else ""))
    assert actor is not None
    return actor


def label_for(actor: Actor | str | None, action: str, centre_id: str | None = None) -> str:
    """Who the audit log names, once the actor may do this. A string actor is the command line
    (the IT team at the server), trusted like an admin."""
    if isinstance(actor, str):
        return actor
    return require(actor, action, centre_id).label


async def current(session: AsyncSession, telegram_user_id: int) -> Actor | None:
    """The active staff member behind this Telegram account, or None."""
    member = (
        await session.execute(
            select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id, StaffMember.active.is_(True))
        )
    ).scalar_one_or_none()
    if member is None:
        return None
    return await actor_for(session, member)


async def actor_for(session: AsyncSession, member: StaffMember, via: str | None = None) -> Actor:
    centres = (await session.execute(select(StaffCentre.centre_id).where(StaffCentre.staff_id == member.id))).scalars()
    return Actor(member.id, member.role, frozenset(centres), member.display_name, member.language, via)
