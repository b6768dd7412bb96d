"""In-memory world of one emulated bot: users, their private chats, files and the update queue."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from devtools.emulator.clock import EmulatorClock
from devtools.emulator.config import EmulatorConfig

MESSAGE_KINDS = ("text", "document", "photo", "sticker", "voice", "location", "contact")


@dataclass
class SimUser:
    """A Telegram user driven by tests; their private chat with the bot has the same id."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    blocked: bool = False
    started: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def chat_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}/{self.file_name or 'file'}"


@dataclass
class ChatMessage:
    """One message of a private chat as the emulator remembers it, including its history flags."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    content: dict[str, Any]
    reply_markup: dict[str, Any] | None = None
    deleted: bool = False
    edit_date: int | None = None
    # Sent with disable_notification: the phone shows the preview without a sound.
    silent: bool = False

    def to_api(self, sender: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The Message object exactly as the Bot API would return or deliver it."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": sender,
            "chat": chat,
            "date": self.date,
            **self.content,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data

    def to_sim(self) -> dict[str, Any]:
        """The flattened view tests read: who sent it and what happened to it since."""
        return {
            "message_id": self.message_id,
            "from": "bot" if self.from_bot else "user",
            "date": self.date,
            "kind": next((k for k in MESSAGE_KINDS if k in self.content), "unknown"),
            "text": self.content.get("text"),
            "caption": self.content.get("caption"),
            "entities": self.content.get("entities", []),
            "reply_markup": self.reply_markup,
            "document": self.content.get("document"),
            "photo": self.content.get("photo"),
            "content": self.content,
            "deleted": self.deleted,
            "silent": self.silent,
            "edited": self.edit_date is not None,
            "edit_date": self.edit_date,
        }


@dataclass
class CallbackRecord:
    """A button press and whether the bot answered it, as Telegram expects it to."""

    id: str
    user_id: int
    message_id: int
    data: str
    pressed_at: float
    answered: bool = False
    answer: dict[str, Any] = field(default_factory=dict)

    def to_sim(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "answer": self.answer,
        }


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Metrics:
    """Counters tests use to prove the bot respects Telegram's limits."""

    started_at: float
    method_calls: Counter[str] = field(default_factory=Counter)
    errors_by_status: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    faults_injected: int = 0
    messages_per_chat: Counter[int] = field(default_factory=Counter)
    sends: list[dict[str, Any]] = field(default_factory=list)
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    # How often each update was handed to the bot: in a getUpdates answer or a webhook request.
    update_deliveries: Counter[int] = field(default_factory=Counter)

    def to_sim(self) -> dict[str, Any]:
        return {
            "method_calls": dict(self.method_calls),
            "errors_by_status": {str(k): v for k, v in self.errors_by_status.items()},
            "too_many_requests": self.too_many_requests,
            "faults_injected": self.faults_injected,
            "messages_per_chat": {str(k): v for k, v in self.messages_per_chat.items()},
            "sends": self.sends,
            "webhook_deliveries": self.webhook_deliveries,
            "webhook_failures": self.webhook_failures,
            "update_deliveries": {str(k): v for k, v in self.update_deliveries.items()},
        }


DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "unknown")


class EmulatorState:
    """All mutable state; every mutation is synchronous so the event loop serialises it."""

    def __init__(self, config: EmulatorConfig, clock: EmulatorClock, started_at: float) -> None:
        self.config = config
        self.clock = clock
        self.users: dict[int, SimUser] = {}
        self.messages: dict[int, list[ChatMessage]] = defaultdict(list)
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: Webhook | None = None
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.metrics = Metrics(started_at=started_at)
        self.updates: list[dict[str, Any]] = []
        # Every update ever queued, by id, so a test can deliver one again as Telegram may.
        self.history: dict[int, dict[str, Any]] = {}
        self.closing = False
        self.poll_generation = 0
        self._next_update_id = 1
        self._changed = asyncio.Event()

    # --- identity -------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.config.bot_id,
            "is_bot": True,
            "first_name": self.config.bot_first_name,
            "username": self.config.bot_username,
        }

    # --- update queue ---------------------------------------------------------------------

    def enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update, numbering it unless the caller forged an id on purpose."""
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self.history[int(update["update_id"])] = update
        self.updates.append(update)
        self.notify()
        return update

    def confirm(self, offset: int) -> None:
        """getUpdates semantics: an offset forgets every update with a smaller id."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def notify(self) -> None:
        """Wake long polls and the webhook sender."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # --- chats ----------------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        chat = self.messages[chat_id]
        return chat[-1].message_id + 1 if chat else 1

    def add_message(
        self,
        chat_id: int,
        from_bot: bool,
        content: dict[str, Any],
        reply_markup: dict[str, Any] | None = None,
        silent: bool = False,
    ) -> ChatMessage:
        message = ChatMessage(
            message_id=self.next_message_id(chat_id),
            chat_id=chat_id,
            from_bot=from_bot,
            date=self.clock.timestamp(),
            content=content,
            reply_markup=reply_markup,
            silent=silent,
        )
        self.messages[chat_id].append(message)
        return message

    def find_message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        return next((m for m in self.messages.get(chat_id, []) if m.message_id == message_id), None)

    def message_api(self, message: ChatMessage) -> dict[str, Any]:
        user = self.users[message.chat_id]
        sender = self.bot_user() if message.from_bot else user.to_api()
        return message.to_api(sender, user.chat_api())

    def current_reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard the user sees now: the latest one the bot sent, unless removed."""
        for message in reversed(self.messages.get(chat_id, [])):
            markup = message.reply_markup
            if (
                message.from_bot
                and markup
                and ("keyboard" in markup or "remove_keyboard" in markup)
            ):
                return markup if "keyboard" in markup else None
        return None

    # --- files ----------------------------------------------------------------------------

    def store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        unique = uuid.uuid4().hex[:16]
        stored = StoredFile(
            file_id=f"EMU{uuid.uuid4().hex}",
            file_unique_id=unique,
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored
