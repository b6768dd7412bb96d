"""The audit log with filters, newest first, paged on the server."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.events import local_text
from storage.repositories import audit
from web.panel.context import MAX_PAGE, Panel, query_number
from web.panel.tables import PAGE_SIZE


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def audit_log(request: Request) -> Response:
        query = request.query_params
        filters = {name: (query.get(name) or "").strip()[:100] for name in ("islem", "kisi", "nesne")}
        async with setup.sessions.begin() as session:
            actor, token = await panel.member(request, session)
            panel.allow(actor, "report.read")
            number = query_number(request, "sayfa", 1, MAX_PAGE, 1)
            entries, total = await audit.filtered(
                session, action=filters["islem"] or None, actor=filters["kisi"] or None,
                object_id=filters["nesne"] or None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        rows = [{"at": local_text(e.at, setup.zone), "actor": e.actor, "action": e.action,
                 "object": f"{e.object_type}:{e.object_id or '-'}", "web": e.actor.startswith("web:")} for e in entries]
        kept = {name: value for name, value in filters.items() if value}
        return panel.page("audit.html", actor, token, rows=rows, filters=filters, total=total, number=number,
                          pages=pages,
                          previous=f"/panel/denetim?{urlencode({**kept, 'sayfa': number - 1})}" if number > 1 else None,
                          next=f"/panel/denetim?{urlencode({**kept, 'sayfa': number + 1})}" if number < pages else None)

    return [Route("/denetim", audit_log, methods=["GET"])]
