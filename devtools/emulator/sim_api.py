"""The simulated-user side under /_sim/: people who talk to the bot, and levers for tests."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from devtools.emulator.faults import FaultInjector, FaultPlan
from devtools.emulator.formatting import command_entities
from devtools.emulator.markup import inline_buttons
from devtools.emulator.media import document_object, image_size, photo_sizes
from devtools.emulator.state import CallbackRecord, ChatMessage, EmulatorState, SimUser

SimHandler = Callable[[web.Request], Awaitable[tuple[int, Any]]]
IZMIR_KONAK = (38.4189, 27.1287)
PLACEHOLDER_BYTES = b"emulated upload"


class SimError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        raise SimError(400, "body must be JSON") from exc
    if not isinstance(body, dict):
        raise SimError(400, "body must be a JSON object")
    return body


class SimApi:
    """Control endpoints; each returns JSON, errors as {"error": "..."} with a 4xx status."""

    def __init__(self, state: EmulatorState, faults: FaultInjector) -> None:
        self.state = state
        self.faults = faults

    def routes(self) -> list[web.RouteDef]:
        wrap = self._wrap
        return [
            web.post("/_sim/users", wrap(self.create_user)),
            web.get("/_sim/users", wrap(self.list_users)),
            web.get("/_sim/users/{user_id}", wrap(self.describe_user)),
            web.post("/_sim/users/{user_id}/messages", wrap(self.send_message)),
            web.post("/_sim/users/{user_id}/press", wrap(self.press)),
            web.post("/_sim/users/{user_id}/block", wrap(self.block)),
            web.post("/_sim/users/{user_id}/unblock", wrap(self.unblock)),
            web.get("/_sim/users/{user_id}/chat", wrap(self.chat)),
            web.get("/_sim/users/{user_id}/commands", wrap(self.commands)),
            web.post("/_sim/updates", wrap(self.inject_update)),
            web.get("/_sim/updates/{update_id}", wrap(self.get_update)),
            web.get("/_sim/files/{file_id}", self.file),
            web.get("/_sim/metrics", wrap(self.metrics)),
            web.get("/_sim/faults", wrap(self.get_faults)),
            web.post("/_sim/faults", wrap(self.set_faults)),
            web.delete("/_sim/faults", wrap(self.clear_faults)),
            web.get("/_sim/clock", wrap(self.get_clock)),
            web.post("/_sim/clock", wrap(self.advance_clock)),
        ]

    @staticmethod
    def _wrap(handler: SimHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def wrapped(request: web.Request) -> web.Response:
            try:
                status, body = await handler(request)
            except SimError as error:
                return web.json_response({"error": str(error)}, status=error.status)
            except (KeyError, TypeError, ValueError) as error:
                return web.json_response({"error": f"invalid request: {error}"}, status=400)
            return web.json_response(body, status=status)

        return wrapped

    def _user(self, request: web.Request) -> SimUser:
        user = self.state.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise SimError(404, f"no simulated user {request.match_info['user_id']}")
        return user

    @staticmethod
    def _describe(user: SimUser) -> dict[str, Any]:
        return {**user.to_api(), "blocked": user.blocked, "started": user.started}

    # --- users ----------------------------------------------------------------------------

    async def create_user(self, request: web.Request) -> tuple[int, Any]:
        body = await json_body(request)
        user_id = int(body["id"])
        if user_id <= 0 or user_id == self.state.config.bot_id:
            raise SimError(400, "user id must be positive and differ from the bot's id")
        existing = self.state.users.get(user_id)
        user = SimUser(
            id=user_id,
            first_name=str(body.get("first_name") or f"User {user_id}"),
            username=body.get("username"),
            last_name=body.get("last_name"),
            language_code=body.get("language_code"),
            blocked=existing.blocked if existing else False,
            started=existing.started if existing else False,
        )
        self.state.users[user_id] = user
        return (200 if existing else 201), self._describe(user)

    async def list_users(self, request: web.Request) -> tuple[int, Any]:
        return 200, [self._describe(u) for u in self.state.users.values()]

    async def describe_user(self, request: web.Request) -> tuple[int, Any]:
        return 200, self._describe(self._user(request))

    # --- messages and buttons -------------------------------------------------------------

    async def send_message(self, request: web.Request) -> tuple[int, Any]:
        user = self._user(request)
        if user.blocked:
            raise SimError(409, "the user has blocked the bot; unblock first")
        body = await json_body(request)
        content = self._content(user, body)
        user.started = True
        message = self.state.add_message(user.id, False, content)
        update = self.state.enqueue({"message": self.state.message_api(message)})
        return 201, {"update_id": update["update_id"], "message": message.to_sim()}

    def _content(self, user: SimUser, body: dict[str, Any]) -> dict[str, Any]:
        """Message fields for each kind a citizen can send from a phone."""
        kind = body.get("kind", "text")
        caption = {"caption": body["caption"]} if body.get("caption") else {}
        if kind == "text":
            text = str(body.get("text") or "")
            if not text.strip():
                raise SimError(400, "text must not be empty")
            entities = command_entities(text)
            return {"text": text, **({"entities": entities} if entities else {})}
        if kind == "location":
            latitude, longitude = IZMIR_KONAK
            return {
                "location": {
                    "latitude": float(body.get("latitude", latitude)),
                    "longitude": float(body.get("longitude", longitude)),
                }
            }
        if kind == "contact":
            return {
                "contact": {
                    "phone_number": str(body.get("phone_number", "+905551112233")),
                    "first_name": str(body.get("first_name", user.first_name)),
                    "user_id": int(body.get("user_id", user.id)),
                }
            }
        content = (
            base64.b64decode(body["content_b64"]) if "content_b64" in body else PLACEHOLDER_BYTES
        )
        if kind == "document":
            stored = self.state.store_file(
                content,
                str(body.get("file_name", "document.pdf")),
                str(body.get("mime_type", "application/pdf")),
            )
            return {"document": document_object(stored), **caption}
        if kind == "photo":
            stored = self.state.store_file(content, None, "image/jpeg")
            width, height = image_size(content) or (1280, 960)
            return {"photo": photo_sizes(stored, width, height), **caption}
        if kind == "voice":
            stored = self.state.store_file(content, None, "audio/ogg")
            return {
                "voice": {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "duration": int(body.get("duration", 3)),
                    "mime_type": "audio/ogg",
                    "file_size": len(content),
                }
            }
        if kind == "sticker":
            stored = self.state.store_file(content, None, "image/webp")
            return {
                "sticker": {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": str(body.get("emoji", "👍")),
                    "file_size": len(content),
                }
            }
        raise SimError(400, f"unknown message kind {kind!r}")

    async def press(self, request: web.Request) -> tuple[int, Any]:
        """Press an inline button that really is on a bot message in this user's chat."""
        user = self._user(request)
        if user.blocked:
            raise SimError(409, "the user has blocked the bot; unblock first")
        body = await json_body(request)
        message = self._keyboard_message(user, body.get("message_id"))
        button = self._button(message, body.get("callback_data"), body.get("button_text"))
        query_id = str(secrets.randbits(63))
        record = self.state.callbacks[query_id] = CallbackRecord(
            query_id, user.id, message.message_id, button["callback_data"], pressed_at=self.state.clock.now()
        )
        update = self.state.enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": self.state.message_api(message),
                    "chat_instance": str(user.id * 7919 + self.state.config.bot_id),
                    "data": record.data,
                }
            }
        )
        return 201, {"update_id": update["update_id"], "callback_query_id": query_id}

    def _keyboard_message(self, user: SimUser, message_id: Any) -> ChatMessage:
        chat = self.state.messages.get(user.id, [])
        if message_id is None:
            for message in reversed(chat):
                if (
                    message.from_bot
                    and not message.deleted
                    and inline_buttons(message.reply_markup)
                ):
                    return message
            raise SimError(400, "no bot message with an inline keyboard in this chat")
        message = self.state.find_message(user.id, int(message_id))
        if message is None or message.deleted or not message.from_bot:
            raise SimError(400, f"no bot message {message_id} in this chat")
        return message

    @staticmethod
    def _button(message: ChatMessage, data: Any, text: Any) -> dict[str, Any]:
        if data is None and text is None:
            raise SimError(400, "give callback_data or button_text")
        for button in inline_buttons(message.reply_markup):
            if (data is not None and button.get("callback_data") == data) or (
                data is None and button.get("text") == text
            ):
                if "callback_data" not in button:
                    raise SimError(400, f"button {button['text']!r} has no callback_data")
                return button
        shown = [b.get("text") for b in inline_buttons(message.reply_markup)]
        raise SimError(400, f"message {message.message_id} has no such button; it shows {shown}")

    async def block(self, request: web.Request) -> tuple[int, Any]:
        return 200, self._set_blocked(self._user(request), True)

    async def unblock(self, request: web.Request) -> tuple[int, Any]:
        return 200, self._set_blocked(self._user(request), False)

    def _set_blocked(self, user: SimUser, blocked: bool) -> dict[str, Any]:
        """Telegram tells the bot through a my_chat_member update when a user (un)blocks it."""
        if user.blocked != blocked:
            user.blocked = blocked
            member, kicked = {"status": "member"}, {"status": "kicked", "until_date": 0}
            old, new = (member, kicked) if blocked else (kicked, member)
            bot = self.state.bot_user()
            self.state.enqueue(
                {
                    "my_chat_member": {
                        "chat": user.chat_api(),
                        "from": user.to_api(),
                        "date": self.state.clock.timestamp(),
                        "old_chat_member": {**old, "user": bot},
                        "new_chat_member": {**new, "user": bot},
                    }
                }
            )
        return self._describe(user)

    async def chat(self, request: web.Request) -> tuple[int, Any]:
        user = self._user(request)
        return 200, {
            "user": self._describe(user),
            "messages": [m.to_sim() for m in self.state.messages.get(user.id, [])],
            "callback_queries": [
                c.to_sim() for c in self.state.callbacks.values() if c.user_id == user.id
            ],
            "reply_keyboard": self.state.current_reply_keyboard(user.id),
        }

    async def commands(self, request: web.Request) -> tuple[int, Any]:
        """The command menu this user would see, by Telegram's scope and language fallback."""
        user = self._user(request)
        language = user.language_code or ""
        scopes = [
            {"type": "chat", "chat_id": user.id},
            {"type": "all_private_chats"},
            {"type": "default"},
        ]
        for scope in scopes:
            key = json.dumps(scope, sort_keys=True)
            for lang in dict.fromkeys((language[:2], "")):
                commands = self.state.commands.get((key, lang))
                if commands:
                    return 200, {"scope": scope, "language_code": lang, "commands": commands}
        return 200, {"scope": None, "language_code": None, "commands": []}

    async def inject_update(self, request: web.Request) -> tuple[int, Any]:
        """Raw update, for what the simulated user cannot do honestly (forged data, duplicates)."""
        update = await json_body(request)
        if not any(key != "update_id" for key in update):
            raise SimError(400, "an update needs one payload field such as message")
        return 201, self.state.enqueue(update)

    async def get_update(self, request: web.Request) -> tuple[int, Any]:
        """An update exactly as it was queued, so a test can inject it again the way Telegram
        delivers an update again when its webhook got no answer."""
        update = self.state.history.get(int(request.match_info["update_id"]))
        if update is None:
            raise SimError(404, f"no update {request.match_info['update_id']}")
        return 200, update

    async def file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            return web.json_response({"error": "no such file"}, status=404)
        headers = {"X-File-Name": stored.file_name or ""}
        return web.Response(
            body=stored.content,
            content_type=stored.mime_type or "application/octet-stream",
            headers=headers,
        )

    # --- test levers ----------------------------------------------------------------------

    async def metrics(self, request: web.Request) -> tuple[int, Any]:
        pending = [u["update_id"] for u in self.state.updates]
        return 200, {**self.state.metrics.to_sim(), "pending_updates": pending}

    async def get_faults(self, request: web.Request) -> tuple[int, Any]:
        return 200, {**self.faults.plan.to_json(), "holding": dict(self.faults.holding)}

    async def set_faults(self, request: web.Request) -> tuple[int, Any]:
        self.faults.configure(FaultPlan.from_json(await json_body(request)))
        return 200, self.faults.plan.to_json()

    async def clear_faults(self, request: web.Request) -> tuple[int, Any]:
        self.faults.configure(FaultPlan())
        return 200, self.faults.plan.to_json()

    async def get_clock(self, request: web.Request) -> tuple[int, Any]:
        return 200, {"now": self.state.clock.now()}

    async def advance_clock(self, request: web.Request) -> tuple[int, Any]:
        body = await json_body(request)
        self.state.clock.advance(float(body["advance_seconds"]))
        return 200, {"now": self.state.clock.now()}
