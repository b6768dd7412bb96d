"""Staff accounts: every member with role, centres and state; invites, revocations, and the
centres a member acts for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from services import invites, roles, staff_accounts
from services.events import local_text
from services.refusal import Refusal
from storage.centres import shipped_by_id
from storage.repositories import staff as staff_store
from web.panel.context import Panel, path_id
from web.panel.staff_form import DEFAULT_HOURS, InviteForm, invite_form


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def staff_page(session: AsyncSession, actor: roles.Actor, token: str, status: int = 200,
                         **context: Any) -> HTMLResponse:
        """Every member with their role, centres and state, and the invite form."""
        rows = [{"id": m.id, "name": m.display_name, "role": m.role, "active": m.active,
                 "revoked": local_text(m.revoked_at, setup.zone) if m.revoked_at else None,
                 "centres": await staff_store.centres_of(session, m.id)}
                for m in await staff_store.members(session)]
        centres = sorted(shipped_by_id().items())
        fields = {"role": "staff", "centre": "", "hours": str(DEFAULT_HOURS), **context.pop("given", {})}
        return panel.page("staff.html", actor, token, status, rows=rows, roles=roles.ROLES, given=fields,
                          centres=[(cid, c.name_in(actor.language)) for cid, c in centres],
                          **{"errors": {}, "link": None, "until": None, "revoke_error": None, "centre_error": None,
                             **context})

    async def staff_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "staff.invite")
            return await staff_page(session, actor, token)

    async def staff_invite(request: Request) -> Response:
        """`kentbot staff invite` on the web: the single-use link is shown once, on this page."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "staff.invite")
            form = await panel.posted(request, token)
            given = {name: form.get(name, "") for name in ("role", "centre", "hours")}
            checked = invite_form(given["role"], given["centre"], given["hours"], set(shipped_by_id()))
            username = await setup.bot_username() if isinstance(checked, InviteForm) else None
            if not isinstance(checked, InviteForm) or username is None:
                errors = checked if isinstance(checked, dict) else {"form": "username"}
                return await staff_page(session, actor, token, 400, errors=errors, given=given)
            try:
                made = await invites.create(session, role=checked.role, centre_id=checked.centre_id, hours=checked.hours,
                                            actor=actor, now=setup.clock())
            except Refusal:
                await session.rollback()
                return await staff_page(session, actor, token, 400, errors={"centre": "centre_unknown"}, given=given)
            await session.commit()
            return await staff_page(session, actor, token, link=made.link(username),
                                    until=local_text(made.expires_at, setup.zone))

    async def staff_revoke(request: Request) -> Response:
        """`kentbot staff revoke`: every right taken away and every panel session of theirs ended."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "staff.revoke")
            staff_id = path_id(request, "staff_id")
            await panel.posted(request, token)
            try:
                await invites.revoke(session, staff_id=staff_id, actor=actor, now=setup.clock())
            except Refusal:
                await session.rollback()
                return await staff_page(session, actor, token, 400, revoke_error=staff_id)
            await session.commit()
        return RedirectResponse("/panel/personel", status_code=303)

    async def change_centre(request: Request, add: bool) -> Response:
        """`kentbot staff add-centre|remove-centre`: the member's next request, on the panel or in
        chat, has the new rights, as both read them anew."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "staff.centre.add" if add else "staff.centre.remove")
            staff_id = path_id(request, "staff_id")
            centre = (await panel.posted(request, token)).get("centre", "").strip()
            change = staff_accounts.add_centre if add else staff_accounts.remove_centre
            try:
                await change(session, staff_id=staff_id, centre_id=centre, actor=actor, now=setup.clock())
            except Refusal as refused:
                await session.rollback()
                return await staff_page(session, actor, token, 400,
                                        centre_error={"staff": staff_id, "key": refused.reason, "centre": centre})
            await session.commit()
        return RedirectResponse("/panel/personel", status_code=303)

    async def add_centre(request: Request) -> Response:
        return await change_centre(request, add=True)

    async def remove_centre(request: Request) -> Response:
        return await change_centre(request, add=False)

    return [
        Route("/personel", staff_list, methods=["GET"]),
        Route("/personel/{staff_id:int}/merkez-ekle", add_centre, methods=["POST"]),
        Route("/personel/{staff_id:int}/merkez-cikar", remove_centre, methods=["POST"]),
        Route("/personel/davet", staff_invite, methods=["POST"]),
        Route("/personel/{staff_id:int}/kaldir", staff_revoke, methods=["POST"]),
    ]
