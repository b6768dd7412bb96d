"""A Bot API that answers inside the process: no socket, no server.

For tests and benchmarks that feed updates through `Application.process_update`: every call
is recorded, messages get ids like Telegram's, and nothing leaves the process.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "kentbot", "username": "kentbot_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any


@dataclass
class InProcessBotApi(BaseRequest):
    """Answers the Bot API methods kentbot uses; `calls` keeps what the bot did. `latency`
    holds every answer back that long, like a network between the bot and Telegram. Sends to a
    chat in `blocked` are refused as Telegram refuses a person who blocked the bot, to a chat in
    `unknown` as a chat Telegram does not know, and to a chat in `flooded` by flood control."""

    calls: list[Call] = field(default_factory=list)
    latency: float = 0.0
    blocked: set[int] = field(default_factory=set)
    unknown: set[int] = field(default_factory=set)
    flooded: set[int] = field(default_factory=set)
    _next_message_id: int = 1

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.latency:
            await asyncio.sleep(self.latency)
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        chat_id = int(params.get("chat_id", 0))
        refusal = self._refusal(chat_id)
        if refusal is not None:
            self.calls.append(Call(name, params, None))
            return refusal["error_code"], json.dumps(refusal).encode()
        result = self._result(name, params)
        self.calls.append(Call(name, params, result))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _refusal(self, chat_id: int) -> dict[str, Any] | None:
        """Telegram's answer when it refuses a call to `chat_id`, or None."""
        if chat_id in self.blocked:
            return {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if chat_id in self.unknown:
            return {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        if chat_id in self.flooded:
            return {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 0",
                    "parameters": {"retry_after": 0}}
        return None

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if name in ("sendMessage", "sendDocument", "sendPhoto"):
            return self._message(params)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            return {**self._message(params), "message_id": params.get("message_id"), "edit_date": int(time.time())}
        if name == "getUpdates":
            return []
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        message_id = self._next_message_id
        self._next_message_id += 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text") or params.get("caption") or "",
        }
        if params.get("reply_markup"):
            markup = params["reply_markup"]
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        return message

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]
