"""Changes to a staff account after it joined: an admin gives a member a centre or takes one
away (the panel's staff page, `kentbot staff add-centre|remove-centre`), and a member chooses
their language (the panel's language switch).

Rights are read from the database on every update and every panel request, so a centre given
or taken holds from the member's next step, in chat and on the panel alike. Each change is
audited; a refused one changes nothing and says why in its `reason`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.refusal import Refusal
from services.roles import Actor, label_for, require
from storage.models import Centre, StaffMember
from storage.repositories import audit
from storage.repositories import staff as staff_store
from surveys.labels import LANGUAGES


async def add_centre(
    session: AsyncSession, *, staff_id: int, centre_id: str, actor: Actor | str | None, now: datetime
) -> list[str]:
    """Let an active member act for one more open centre; returns their centres now."""
    label = label_for(actor, "staff.centre.add")
    await _active_member(session, staff_id)
    centre = await session.get(Centre, centre_id)
    if centre is None or not centre.active:
        raise Refusal("centre_unknown")
    before = await staff_store.centres_of(session, staff_id)
    if centre_id in before:
        raise Refusal("centre_had")
    await staff_store.add_centre(session, staff_id, centre_id)
    return await _audited(session, label, "staff.centre.add", staff_id, before, now)


async def remove_centre(
    session: AsyncSession, *, staff_id: int, centre_id: str, actor: Actor | str | None, now: datetime
) -> list[str]:
    """Take a centre from an active member; centre staff keep at least one (revoke them
    instead), as an invite for centre staff needs one. Returns their centres now."""
    label = label_for(actor, "staff.centre.remove")
    member = await _active_member(session, staff_id)
    before = await staff_store.centres_of(session, staff_id)
    if centre_id not in before:
        raise Refusal("centre_not_had")
    if member.role == "staff" and len(before) == 1:
        raise Refusal("centre_last")
    await staff_store.remove_centre(session, staff_id, centre_id)
    return await _audited(session, label, "staff.centre.remove", staff_id, before, now)


async def set_language(session: AsyncSession, *, actor: Actor | None, language: str, now: datetime) -> bool:
    """The member's own language, which the panel and the bot's staff messages and menu use;
    False when it was theirs already (nothing written)."""
    choosing = require(actor, "staff.language")
    if language not in LANGUAGES:
        raise Refusal("language")
    member = await _active_member(session, choosing.staff_id)
    if member.language == language:
        return False
    before, member.language = member.language, language
    member.menu_shown = False  # the bot sets the staff menu again, in this language
    await audit.append(
        session,
        at=now,
        actor=choosing.label,
        action="staff.language",
        object_type="staff",
        object_id=str(member.id),
        before={"language": before},
        after={"language": language},
    )
    return True


async def _active_member(session: AsyncSession, staff_id: int) -> StaffMember:
    member = await session.get(StaffMember, staff_id, with_for_update=True)
    if member is None:
        raise Refusal("member_unknown")
    if not member.active:
        raise Refusal("member_revoked")
    return member


async def _audited(
    session: AsyncSession, label: str, action: str, staff_id: int, before: list[str], now: datetime
) -> list[str]:
    after = await staff_store.centres_of(session, staff_id)
    await audit.append(
        session,
        at=now,
        actor=label,
        action=action,
        object_type="staff",
        object_id=str(staff_id),
        before={"centres": before},
        after={"centres": after},
    )
    return after
