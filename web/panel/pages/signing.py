"""Signing in through the link the bot gave, and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import panel_access
from web.panel.context import COOKIE, Panel, Refused, lang_of, language_links, render
from web.panel.origins import from_our_pages, origin_of


def routes(panel: Panel) -> list[Route]:
    setup = panel.setup

    async def link_page(request: Request) -> Response:
        """The link from the bot shows a button: a link preview fetching it signs nobody in."""
        return render("sign_in.html", lang_of(request.query_params.get("dil")), action=request.url.path,
                      switch=language_links(request))

    async def sign_in(request: Request) -> Response:
        ours = [origin_of(str(request.url)), *([origin_of(setup.public_url)] if setup.public_url else [])]
        if not from_our_pages(request.headers.get("origin"), request.headers.get("sec-fetch-site"), ours):
            raise Refused(403, "error_origin")  # the link stays unused
        async with setup.sessions.begin() as session:
            session_token = await panel_access.redeem_link(session, request.path_params["token"], setup.clock())
        if session_token is None:
            raise Refused(400, "error_link")
        response = RedirectResponse("/panel/", status_code=303)
        response.set_cookie(COOKIE, session_token, path="/panel", httponly=True, samesite="strict",
                            secure=panel.secure(request), max_age=int(panel_access.ABSOLUTE_LIMIT.total_seconds()))
        return response

    async def sign_out(request: Request) -> Response:
        async with setup.sessions.begin() as session:
            _, token = await panel.member(request, session)
            await panel.posted(request, token)
            await panel_access.sign_out(session, token, setup.clock())
        response = RedirectResponse("/panel/cikti", status_code=303)
        response.delete_cookie(COOKIE, path="/panel", httponly=True, samesite="strict", secure=panel.secure(request))
        return response

    async def signed_out(request: Request) -> Response:
        return render("signed_out.html", lang_of(request.query_params.get("dil")), switch=language_links(request))

    return [
        Route("/giris/{token}", link_page, methods=["GET"]),
        Route("/giris/{token}", sign_in, methods=["POST"]),
        Route("/cikis", sign_out, methods=["POST"]),
        Route("/cikti", signed_out, methods=["GET"]),
    ]
