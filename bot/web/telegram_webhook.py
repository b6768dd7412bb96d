"""`POST /telegram`: Telegram's webhook, answered 200 only once the update is applied.

Telegram sends a chat's next update only after the previous one got a 2xx, and sends an update
again (to whichever worker the proxy picks) when it got anything else, a closed connection
included. So the answer waits for the update to be applied: a worker that dies half-way never
answers, and the update is applied by the next one; the turn recognises an update it already
applied. Requests without Telegram's secret-token header are refused before the body is read.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.ext import Application

from bot.updates.applying import apply

log = logging.getLogger(__name__)

WEBHOOK_PATH = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BadUpdate(ValueError):
    """The body is not a Telegram update."""


def parse_update(body: bytes, bot: Bot) -> Update:
    """The update in a webhook body, or BadUpdate saying why not."""
    try:
        data: Any = json.loads(body)
    except ValueError as error:
        raise BadUpdate("the body is not JSON") from error
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise BadUpdate("the body is not an update: no integer update_id")
    try:
        return Update.de_json(data, bot)
    except Exception as error:  # noqa: BLE001 - any failure to read untrusted input is a bad request
        raise BadUpdate(f"the update cannot be read: {error.__class__.__name__}") from error


def telegram_webhook_route(application: Application, secret: str) -> Route:
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("wrong secret token", status_code=403)
        try:
            update = parse_update(await request.body(), application.bot)
        except BadUpdate as error:
            log.warning("webhook request refused: %s", error)
            return PlainTextResponse(str(error), status_code=400)
        await apply(application, update)
        return Response(status_code=200)

    return Route(f"/{WEBHOOK_PATH}", receive, methods=["POST"])
