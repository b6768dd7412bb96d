"""Single-use, expiring invite codes that make a Telegram account a staff member.

Only a hash of the code is stored, so a copy of the database cannot be used to join.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.panel_access import end_sessions_of
from services.refusal import Refusal
from services.roles import ROLES, Actor, label_for
from storage.models import Centre, Invite, StaffMember
from storage.repositories import audit
from storage.repositories import staff as staff_store

PAYLOAD_PREFIX = "inv_"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    code: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username.lstrip('@')}?start={PAYLOAD_PREFIX}{self.code}"


async def create(
    session: AsyncSession, *, role: str, centre_id: str | None, hours: float, actor: Actor | str | None, now: datetime
) -> NewInvite:
    """A new invite, by an admin; staff must be tied to a centre, managers and admins need none."""
    label = label_for(actor, "staff.invite")
    if role not in ROLES:
        raise Refusal(f"role must be one of {', '.join(ROLES)}")
    if role == "staff" and centre_id is None:
        raise Refusal("a staff invite needs --centre")
    if centre_id is not None:
        centre = await session.get(Centre, centre_id)
        if centre is None or not centre.active:
            raise Refusal(f"unknown centre {centre_id!r}")
    if not 0 < hours <= 24 * 30:
        raise Refusal("--hours must be between 0 and 720")
    code = secrets.token_urlsafe(18)
    expires_at = now + timedelta(hours=hours)
    hashed = code_hash(code)
    session.add(Invite(code_hash=hashed, role=role, centre_id=centre_id, created_by=label, created_at=now, expires_at=expires_at))
    await audit.append(
        session, at=now, actor=label, action="staff.invite", object_type="invite", object_id=hashed[:16],
        after={"role": role, "centre_id": centre_id, "expires_at": expires_at.isoformat()},
    )
    return NewInvite(code, expires_at)


async def redeem(
    session: AsyncSession, *, code: str, telegram_user_id: int, display_name: str, language: str, now: datetime
) -> StaffMember:
    """Use an invite once: create (or restore) the staff member and give them the centre."""
    invite = await staff_store.invite_by_hash(session, code_hash(code))
    if invite is None:
        raise Refusal("unknown")
    if invite.used_at is not None:
        raise Refusal("used")
    if invite.expires_at <= now:
        raise Refusal("expired")
    member = await staff_store.member_by_telegram(session, telegram_user_id)
    before = None
    if member is None:
        member = StaffMember(
            telegram_user_id=telegram_user_id, display_name=display_name, role=invite.role, language=language,
            active=True, created_at=now, menu_shown=False,
        )
        session.add(member)
        await session.flush()
    else:
        before = {"role": member.role, "active": member.active, "centres": await staff_store.centres_of(session, member.id)}
        member.role, member.active, member.revoked_at, member.display_name = invite.role, True, None, display_name
    if invite.centre_id is not None:
        await staff_store.add_centre(session, member.id, invite.centre_id)
    invite.used_at = now
    invite.used_by_staff_id = member.id
    await audit.append(
        session, at=now, actor=f"staff:{member.id}", action="staff.join", object_type="staff", object_id=str(member.id),
        before=before,
        after={"role": member.role, "active": True, "centres": await staff_store.centres_of(session, member.id)},
    )
    return member


async def revoke(session: AsyncSession, *, staff_id: int, actor: Actor | str | None, now: datetime) -> StaffMember:
    """Take every right away from a staff member, by an admin; their web panel sessions end now."""
    label = label_for(actor, "staff.revoke")
    member = await session.get(StaffMember, staff_id)
    if member is None:
        raise Refusal(f"no staff member {staff_id}")
    if not member.active:
        raise Refusal(f"staff member {staff_id} is already revoked")
    member.active = False
    member.revoked_at = now
    await end_sessions_of(session, staff_id, now)
    await audit.append(
        session, at=now, actor=label, action="staff.revoke", object_type="staff", object_id=str(staff_id),
        before={"role": member.role, "active": True}, after={"role": member.role, "active": False},
    )
    return member
