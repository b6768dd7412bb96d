"""One worker process serves both: in webhook mode with KENTBOT_PUBLIC_PAGES=true the public
pages answer beside the webhook and /healthz; without it they are not served."""

from __future__ import annotations

import httpx
import pytest
from page_reader import read_page

from bot.app import build_application, post_init
from bot.running import webhook_routes
from bot.services import build_services
from bot.web.app import create_web_app
from bot.web.server import listening_socket, serving
from bot.web.telegram_webhook import SECRET_HEADER
from tests.conftest import BOT_TOKEN, make_settings

SECRET = "public-pages-webhook_1"
START = {
    "update_id": 601,
    "message": {
        "message_id": 1, "date": 1764000000, "chat": {"id": 7401, "type": "private", "first_name": "Ayşe"},
        "from": {"id": 7401, "is_bot": False, "first_name": "Ayşe", "language_code": "tr"}, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}


@pytest.mark.parametrize("public", [True, False])
async def test_the_webhook_worker_serves_the_public_pages_when_asked(db, emulator_client, tmp_path, public) -> None:
    settings = make_settings(db, emulator_client.base_url, tmp_path, KENTBOT_WEBHOOK_URL="https://kentbot.example",
                             KENTBOT_WEBHOOK_SECRET=SECRET, KENTBOT_PUBLIC_PAGES=str(public).lower())
    services = build_services(settings)
    application = build_application(services, BOT_TOKEN)
    sock = listening_socket("127.0.0.1", 0)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with application:
        await post_init(application)
        async with serving(create_web_app(webhook_routes(application, settings)), sock, grace=5), \
                httpx.AsyncClient(base_url=base, timeout=30) as http:
            update = await http.post("/telegram", json=START, headers={SECRET_HEADER: SECRET})
            assert update.status_code == 200
            assert (await http.get("/healthz")).status_code == 200
            page = await http.get("/en")
            if public:
                assert page.status_code == 200 and read_page(page.text).html_attrs["lang"] == "en"
                assert page.headers["x-frame-options"] == "DENY"
                panel = await http.get("/panel/")
                assert panel.status_code == 401 and panel.headers["cache-control"] == "no-store"
            else:
                assert page.status_code == 404
                assert (await http.get("/panel/")).status_code == 404
    await services.close()
