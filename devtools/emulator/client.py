"""HTTP client for the /_sim/ endpoints, used by tests and the demo to play citizens and staff."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

Message = dict[str, Any]


class EmulatorError(RuntimeError):
    """The control API refused a request; the message carries the emulator's reason."""


class EmulatorClient:
    """Thin async wrapper over the control API; one per emulator, shared by many users."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self._http.request(method, path, json=body)
        if response.is_error:
            try:
                reason = response.json().get("error", response.text)
            except ValueError:
                reason = response.text
            raise EmulatorError(f"{method} {path}: {response.status_code} {reason}")
        return response.json()

    @property
    def bot_base_url(self) -> str:
        """What to pass as python-telegram-bot's base_url."""
        return f"{self.base_url}/bot"

    @property
    def bot_base_file_url(self) -> str:
        """What to pass as python-telegram-bot's base_file_url."""
        return f"{self.base_url}/file/bot"

    async def create_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        body = {
            "id": user_id,
            "first_name": first_name,
            "username": username,
            "language_code": language_code,
            "last_name": last_name,
        }
        return await self._call("POST", "/_sim/users", body)

    async def user(self, user_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/_sim/users/{user_id}")

    async def send_message(self, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", f"/_sim/users/{user_id}/messages", body)

    async def press(self, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", f"/_sim/users/{user_id}/press", body)

    async def block(self, user_id: int) -> dict[str, Any]:
        return await self._call("POST", f"/_sim/users/{user_id}/block")

    async def unblock(self, user_id: int) -> dict[str, Any]:
        return await self._call("POST", f"/_sim/users/{user_id}/unblock")

    async def chat(self, user_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/_sim/users/{user_id}/chat")

    async def commands(self, user_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/_sim/users/{user_id}/commands")

    async def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", "/_sim/updates", update)

    async def update(self, update_id: int) -> dict[str, Any]:
        """An update as it was queued (to deliver it again with `inject_update`)."""
        return await self._call("GET", f"/_sim/updates/{update_id}")

    async def file(self, file_id: str) -> bytes:
        response = await self._http.get(f"/_sim/files/{file_id}")
        if response.is_error:
            raise EmulatorError(f"GET /_sim/files/{file_id}: {response.status_code}")
        return response.content

    async def metrics(self) -> dict[str, Any]:
        return await self._call("GET", "/_sim/metrics")

    async def set_faults(
        self,
        mode: str = "error",
        next_n: int = 0,
        fraction: float = 0.0,
        status: int = 500,
        methods: list[str] | None = None,
        skip: int = 0,
    ) -> dict[str, Any]:
        body = {
            "mode": mode,
            "next": next_n,
            "fraction": fraction,
            "status": status,
            "methods": methods or [],
            "skip": skip,
        }
        return await self._call("POST", "/_sim/faults", body)

    async def faults(self) -> dict[str, Any]:
        """The plan, and `holding`: how many calls of each method are stalled right now."""
        return await self._call("GET", "/_sim/faults")

    async def wait_until_held(self, method: str, count: int = 1, timeout: float = 60.0) -> None:
        """Wait until `count` calls of `method` are stalled by a hang or hold plan."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (await self.faults())["holding"].get(method.lower(), 0) < count:
            if loop.time() >= deadline:
                raise TimeoutError(f"{count} {method} calls were not held within {timeout} s: {await self.faults()}")
            await asyncio.sleep(0.02)

    async def clear_faults(self) -> dict[str, Any]:
        return await self._call("DELETE", "/_sim/faults")

    async def advance_clock(self, seconds: float) -> float:
        return (await self._call("POST", "/_sim/clock", {"advance_seconds": seconds}))["now"]


class SimulatedUser:
    """One citizen or staff member; registered with the emulator on first use."""

    def __init__(
        self,
        client: EmulatorClient,
        user_id: int,
        first_name: str = "Ayşe",
        language_code: str | None = "tr",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.client = client
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.username = username
        self.last_name = last_name
        self._registered = False

    async def register(self) -> None:
        if not self._registered:
            await self.client.create_user(
                self.user_id, self.first_name, self.username, self.language_code, self.last_name
            )
            self._registered = True

    async def send(self, text: str) -> Message:
        """Type and send text; commands get their bot_command entity like in Telegram."""
        await self.register()
        return (await self.client.send_message(self.user_id, {"text": text}))["message"]

    async def send_kind(self, kind: str, content: bytes | None = None, **fields: Any) -> Message:
        """Send a sticker, photo, voice, location, document or contact; fields go to the API."""
        await self.register()
        body: dict[str, Any] = {"kind": kind, **fields}
        if content is not None:
            body["content_b64"] = base64.b64encode(content).decode()
        return (await self.client.send_message(self.user_id, body))["message"]

    async def press(
        self,
        button_text: str | None = None,
        callback_data: str | None = None,
        message_id: int | None = None,
    ) -> str:
        """Press an inline button (default message: the latest bot message with one); returns
        the callback query id."""
        await self.register()
        body: dict[str, Any] = {"button_text": button_text, "callback_data": callback_data}
        if message_id is not None:
            body["message_id"] = message_id
        return (await self.client.press(self.user_id, body))["callback_query_id"]

    async def block(self) -> None:
        await self.register()
        await self.client.block(self.user_id)

    async def unblock(self) -> None:
        await self.register()
        await self.client.unblock(self.user_id)

    async def chat(self) -> list[Message]:
        await self.register()
        return (await self.client.chat(self.user_id))["messages"]

    async def callback_queries(self) -> list[dict[str, Any]]:
        await self.register()
        return (await self.client.chat(self.user_id))["callback_queries"]

    async def bot_messages(self) -> list[Message]:
        """What the bot has shown this user and not deleted, oldest first."""
        return [m for m in await self.chat() if m["from"] == "bot" and not m["deleted"]]

    async def last_bot_message(self) -> Message | None:
        messages = await self.bot_messages()
        return messages[-1] if messages else None

    async def wait_for(
        self, predicate: Callable[[Message], bool], timeout: float = 5.0, interval: float = 0.05
    ) -> Message:
        """Poll until a visible bot message satisfies `predicate`; return the newest such one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = await self.bot_messages()
            for message in reversed(messages):
                if predicate(message):
                    return message
            if loop.time() >= deadline:
                shown = "\n".join(
                    f"  #{m['message_id']} {m['kind']}: {m['text'] or m['caption'] or ''!r}"
                    + (" (edited)" if m["edited"] else "")
                    for m in messages[-5:]
                )
                raise TimeoutError(
                    f"no bot message to user {self.user_id} matched within {timeout}s; "
                    f"last bot messages:\n{shown or '  (none)'}"
                )
            await asyncio.sleep(interval)
