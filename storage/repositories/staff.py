"""Staff members, their centres and invite codes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, StaffCentre, StaffMember
from storage.rowcount import changed_rows


async def invite_by_hash(session: AsyncSession, code_hash: str) -> Invite | None:
    statement = select(Invite).where(Invite.code_hash == code_hash).with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def member_by_telegram(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    statement = select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def members(session: AsyncSession) -> Sequence[StaffMember]:
    return (await session.execute(select(StaffMember).order_by(StaffMember.id))).scalars().all()


async def centres_of(session: AsyncSession, staff_id: int) -> list[str]:
    statement = select(StaffCentre.centre_id).where(StaffCentre.staff_id == staff_id).order_by(StaffCentre.centre_id)
    return list((await session.execute(statement)).scalars())


async def add_centre(session: AsyncSession, staff_id: int, centre_id: str) -> None:
    if await session.get(StaffCentre, (staff_id, centre_id)) is None:
        session.add(StaffCentre(staff_id=staff_id, centre_id=centre_id))
        await session.flush()


async def remove_centre(session: AsyncSession, staff_id: int, centre_id: str) -> bool:
    """Take a centre from a member; False when they did not have it."""
    statement = delete(StaffCentre).where(StaffCentre.staff_id == staff_id, StaffCentre.centre_id == centre_id)
    return changed_rows(await session.execute(statement)) == 1


async def show_menus_again(session: AsyncSession) -> None:
    """Mark every active member's menu as not shown, so the menu job sets it again."""
    await session.execute(update(StaffMember).where(StaffMember.active.is_(True)).values(menu_shown=False))


async def menus_to_sync(session: AsyncSession) -> Sequence[StaffMember]:
    """Members whose command menu does not match their rights (50 at a time)."""
    statement = (
        select(StaffMember)
        .where(
            StaffMember.telegram_user_id.is_not(None),
            StaffMember.active.is_distinct_from(StaffMember.menu_shown),
        )
        .order_by(StaffMember.id)
        .limit(50)
    )
    return (await session.execute(statement)).scalars().all()


async def mark_menu(session: AsyncSession, member_id: int, *, shown: bool) -> bool:
    """Note that the member's menu now matches `shown`, unless their rights changed meanwhile."""
    statement = update(StaffMember).where(StaffMember.id == member_id, StaffMember.active.is_(shown)).values(menu_shown=shown)
    return changed_rows(await session.execute(statement)) == 1
