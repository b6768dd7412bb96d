"""Alzheimer-centre membership applications to decide, as chat's /basvurular."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import memberships, roles
from services.events import local_text
from services.refusal import Refusal
from storage.centres import shipped_by_id
from storage.models import Membership
from storage.repositories import memberships as membership_store
from web.panel.context import Panel, Refused

APPLICATIONS_LIMIT = 200


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def applications(session: AsyncSession, actor: roles.Actor) -> list[dict[str, Any]]:
        """The pending applications the member may decide, oldest first, as chat's /basvurular."""
        centres = None if roles.can(actor, "membership.approve") else sorted(actor.centres)
        rows = []
        named = shipped_by_id()
        for membership in await membership_store.pending(session, centres, limit=APPLICATIONS_LIMIT):
            centre = named.get(membership.centre_id)
            rows.append({"id": membership.id, "name": membership.member_name, "relation": membership.relation,
                         "contact": membership.contact_preference, "when": local_text(membership.created_at, setup.zone),
                         "centre": centre.name_in(actor.language) if centre is not None else membership.centre_id})
        return rows

    async def application_list(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            rows = await applications(session, actor)
        return panel.page("applications.html", actor, token, rows=rows, errors={}, given={})

    async def application_decide(request: Request) -> Response:
        """Approve, or decline with a reason: the chat's decision, audited as there, and the
        applicant's notice queued in the same transaction. A wrong field is told beside it and
        nothing changes."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            membership_id = request.path_params["membership_id"]
            membership = await session.get(Membership, membership_id)
            if membership is None:
                raise Refused(404, "error_not_found")
            panel.allow(actor, "membership.approve", membership.centre_id)
            form = await panel.posted(request, token)
            choice, reason = form.get("karar", ""), form.get("gerekce", "").strip()
            error = None
            if choice not in ("onayla", "reddet"):
                error = "choice"
            elif choice == "reddet" and (not reason or len(reason) > memberships.MAX_REASON):
                error = "reason"
            else:
                try:
                    decision = await memberships.decide(
                        session, actor, membership_id=membership_id, approve=choice == "onayla",
                        reason=reason if choice == "reddet" else None, zone=setup.zone, now=setup.clock())
                    await setup.notify(session, [decision.notice] if decision.notice else [], setup.clock())
                except Refusal as refusal:
                    error = refusal.reason
            if error is not None:
                await session.rollback()
                rows = await applications(session, actor)
                return panel.page("applications.html", actor, token, 400, rows=rows, errors={membership_id: error},
                                  given={membership_id: reason})
            await session.commit()
        setup.cache.changed()
        return RedirectResponse("/panel/basvurular", status_code=303)

    return [
        Route("/basvurular", application_list, methods=["GET"]),
        Route("/basvurular/{membership_id:int}", application_decide, methods=["POST"]),
    ]
