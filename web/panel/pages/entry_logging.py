"""Logging entries on the panel: aid to students (chat's aid, school numbers of which only a
keyed hash is kept) and a completed centre (chat's /asama, `kentbot entry milestone`), through
the same service calls (services.entries): the same rights, rules and audit action names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from services import entries, roles
from services.refusal import Refusal
from services.whole_numbers import whole_number
from storage.repositories import centres as centre_store
from storage.repositories import entries as entry_store
from web.panel.context import Panel, Refused
from web.panel.entry_forms import AidForm, MilestoneForm, aid_form, milestone_form, rejected_lines
from web.panel.pages.entries import centre_label, local_today, today_fields

# A service refusal, as the field it is about: (field, problem).
AID_REFUSALS = {"centre": ("centre", "centre"), "batch": ("school_ids", "batch"), "future": ("day", "future")}
MILESTONE_REFUSALS = {
    "code": ("code", "code"),
    "centre": ("centre", "type"),
    "note": ("note", "missing"),
    "future": ("day", "future"),
    "duplicate": ("centre", "duplicate"),
}


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def aid_centres(session: AsyncSession, actor: roles.Actor) -> list[str]:
        """The open centres this member may log aid through, as chat offers them; none is a 403.
        Ids, not rows: a refused form re-renders them after the rollback."""
        allowed = [c.id for c in await centre_store.active(session) if roles.can(actor, "entry.add", c.id)]
        if not allowed:
            raise Refused(403, "error_forbidden")
        return allowed

    def aid_page(
        actor: roles.Actor, token: str, centres: Sequence[str], status: int = 200, **context: Any
    ) -> HTMLResponse:
        options = [(centre_id, centre_label(centre_id, actor.language)) for centre_id in centres]
        given = {
            "centre": options[0][0] if len(options) == 1 else "",
            "day": local_today(setup).isoformat(),
            "school_ids": "",
            "note": "",
            **context.pop("given", {}),
        }
        return panel.page(
            "entry_aid.html",
            actor,
            token,
            status,
            centres=options,
            given=given,
            **today_fields(setup),
            **{"errors": {}, "rejected": "", "done": None, **context},
        )

    async def aid_form_page(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            centres = await aid_centres(session, actor)
        query = request.query_params
        added = whole_number(query.get("eklenen"), 0, entries.MAX_AID_BATCH)
        counted = whole_number(query.get("sayilmis"), 0, entries.MAX_AID_BATCH)
        done = {"added": added, "duplicates": counted} if added is not None and counted is not None else None
        return aid_page(actor, token, centres, done=done)

    async def log_aid(request: Request) -> Response:
        """Chat's aid: one entry per student not counted yet this year, from school numbers
        (only a keyed hash of each is kept)."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            centres = await aid_centres(session, actor)
            form = await panel.posted(request, token)
            given = {name: form.get(name, "") for name in ("centre", "day", "school_ids", "note")}
            if given["centre"] and not roles.can(actor, "entry.add", given["centre"]):
                raise Refused(403, "error_forbidden")
            today = local_today(setup)  # one day for the form's check and the service's
            checked = aid_form(given["centre"], given["day"], given["school_ids"], given["note"], today, centres)
            if isinstance(checked, AidForm):
                try:
                    result = await entries.log_aid(
                        session,
                        actor,
                        centre_id=checked.centre_id,
                        occurred_on=checked.occurred_on,
                        school_ids=checked.school_ids,
                        note=checked.note,
                        secret=setup.secret,
                        now=setup.clock(),
                        today=today,
                    )
                except Refusal as refusal:
                    field, problem = AID_REFUSALS[refusal.reason]
                    checked = {field: problem}
            if isinstance(checked, dict):
                await session.rollback()
                return aid_page(
                    actor,
                    token,
                    centres,
                    400,
                    errors=checked,
                    given=given,
                    rejected=rejected_lines(given["school_ids"]),
                )
            await session.commit()
        setup.cache.changed()
        done = urlencode({"eklenen": result.added, "sayilmis": result.already_counted})
        return RedirectResponse(f"/panel/kayitlar/yardim?{done}", status_code=303)

    async def milestone_centres(session: AsyncSession, actor: roles.Actor) -> dict[str, list[str]]:
        """Per indicator, the open centres of its type the member may log as completed (chat's /asama)."""
        panel.allow(actor, "entry.milestone")
        active = await centre_store.active(session)
        return {
            code: [c.id for c in active if c.type in kinds and roles.can(actor, "entry.milestone", c.id)]
            for code, kinds in entries.MILESTONES.items()
        }

    def milestone_page(
        actor: roles.Actor, token: str, centres: Mapping[str, Sequence[str]], status: int = 200, **context: Any
    ) -> HTMLResponse:
        options = {
            code: [(centre_id, centre_label(centre_id, actor.language)) for centre_id in found]
            for code, found in centres.items()
        }
        given = {
            "code": "",
            "centre": "",
            "day": local_today(setup).isoformat(),
            "note": "",
            **context.pop("given", {}),
        }
        return panel.page(
            "entry_milestone.html",
            actor,
            token,
            status,
            centres=options,
            given=given,
            **today_fields(setup),
            **{"errors": {}, "existing": None, **context},
        )

    async def milestone_form_page(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            centres = await milestone_centres(session, actor)
        return milestone_page(actor, token, centres)

    async def add_milestone(request: Request) -> Response:
        """`kentbot entry milestone` / chat's /asama: a completed centre with its evidence, once per centre."""
        async with setup.sessions() as session:
            actor, token = await panel.member(request, session)
            centres = await milestone_centres(session, actor)
            form = await panel.posted(request, token)
            given = {name: form.get(name, "") for name in ("code", "centre", "day", "note")}
            today = local_today(setup)
            allowed = centres.get(given["code"], [])
            checked = milestone_form(given["code"], given["centre"], given["day"], given["note"], today, allowed)
            existing = None
            if isinstance(checked, MilestoneForm):
                try:
                    made = await entries.add_milestone(
                        session,
                        actor,
                        code=checked.code,
                        centre_id=checked.centre_id,
                        completed_on=checked.completed_on,
                        note=checked.note,
                        now=setup.clock(),
                        today=today,
                    )
                except Refusal as refusal:
                    field, problem = MILESTONE_REFUSALS[refusal.reason]
                    checked = {field: problem}
                    if refusal.reason == "duplicate":
                        found = await entry_store.effective_milestone(session, given["code"], given["centre"])
                        existing = found.id if found is not None else None
            if isinstance(checked, dict):
                await session.rollback()
                return milestone_page(actor, token, centres, 400, errors=checked, given=given, existing=existing)
            await session.commit()
        setup.cache.changed()
        return RedirectResponse(f"/panel/kayitlar/{made.id}", status_code=303)

    return [
        Route("/kayitlar/yardim", aid_form_page, methods=["GET"]),
        Route("/kayitlar/yardim", log_aid, methods=["POST"]),
        Route("/kayitlar/asama", milestone_form_page, methods=["GET"]),
        Route("/kayitlar/asama", add_milestone, methods=["POST"]),
    ]
