"""`python -m devtools.emulator` prints its URL and the token it accepts, and serves the Bot API
until stopped."""

from __future__ import annotations

import asyncio
import signal
import sys

import httpx


async def test_module_prints_url_and_serves(token: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.emulator",
        "--port",
        "0",
        "--token",
        token,
        "--per-chat",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        settings = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().split()
        assert settings == [f"TELEGRAM_API_BASE_URL={url}", f"TELEGRAM_BOT_TOKEN={token}"]
        async with httpx.AsyncClient() as http:
            response = await http.get(f"{url}/bot{token}/getMe")
        assert response.json()["result"]["id"] == 123456789
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
