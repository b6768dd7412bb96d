"""The webhook route: Telegram's secret-token header is required, a body that is not an update
is refused with 400 and the worker carries on."""

from __future__ import annotations

import httpx
import pytest

from bot.web.telegram_webhook import SECRET_HEADER

START = {
    "update_id": 501,
    "message": {
        "message_id": 1,
        "date": 1764000000,
        "chat": {"id": 7301, "type": "private", "first_name": "Ayşe"},
        "from": {"id": 7301, "is_bot": False, "first_name": "Ayşe", "language_code": "tr"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}


@pytest.mark.parametrize("secret", [None, "", "wrong", "test-webhook-secret_", "test-webhook-secret_12", "TEST-WEBHOOK-SECRET_1"])
async def test_a_request_without_the_secret_token_is_refused_and_not_applied(webhook_bot, secret) -> None:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    async with httpx.AsyncClient() as http:
        response = await http.post(webhook_bot.url, json=START, headers=headers)
    assert response.status_code == 403
    # Applied updates are answered only once applied, so nothing is on its way either.
    assert (await webhook_bot.emulator.metrics())["method_calls"].get("sendMessage", 0) == 0


BAD_BODIES = [
    b"not json",
    b"\xff\xfe",
    b"[1, 2]",
    b'"an update"',
    b'{"message": {"text": "/start"}}',
    b'{"update_id": "501", "message": {}}',
    b'{"update_id": 501, "message": "hello"}',
    b'{"update_id": 501, "message": {"chat": 5}}',
    b'{"update_id": 501, "callback_query": [1]}',
]


async def test_bodies_that_are_not_updates_get_400_and_the_worker_goes_on(webhook_bot) -> None:
    headers = {SECRET_HEADER: "test-webhook-secret_1", "Content-Type": "application/json"}
    async with httpx.AsyncClient() as http:
        statuses = [(await http.post(webhook_bot.url, content=body, headers=headers)).status_code for body in BAD_BODIES]
        assert statuses == [400] * len(BAD_BODIES)
        assert (await http.get(webhook_bot.url)).status_code == 405
    citizen = webhook_bot.citizen(7302)
    await citizen.send("/start")
    await citizen.wait_for(lambda m: "Türkçe" in str(m.get("reply_markup")), timeout=15)
