"""The Bot API surface: `/bot{token}/{method}` answered in Telegram's exact shape and wording."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from aiohttp import web

from devtools.emulator.errors import ApiError, bad_request, forbidden
from devtools.emulator.faults import FaultInjector
from devtools.emulator.formatting import format_text
from devtools.emulator.markup import validate_markup
from devtools.emulator.media import document_object, image_size, photo_sizes
from devtools.emulator.params import Params, Upload
from devtools.emulator.rate_limit import FloodControl
from devtools.emulator.state import (
    DEFAULT_UPDATE_TYPES,
    ChatMessage,
    EmulatorState,
    SimUser,
    StoredFile,
    Webhook,
    update_type,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
SCOPE_TYPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}

Method = Callable[["BotApi", Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Method]] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method; Telegram matches method names case-insensitively."""

    def register(func: Method) -> Method:
        METHODS[name.lower()] = (name, func)
        return func

    return register


def command_scope_key(scope: Any) -> str:
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if scope["type"].startswith("chat") and "chat_id" not in scope:
        raise bad_request("chat_id is empty")
    return json.dumps(scope, sort_keys=True)


class BotApi:
    """Dispatches one bot's API calls against the shared emulator state."""

    def __init__(self, state: EmulatorState, flood: FloodControl, faults: FaultInjector) -> None:
        self.state = state
        self.flood = flood
        self.faults = faults

    async def handle(self, request: web.Request) -> web.Response:
        metrics = self.state.metrics
        try:
            if request.match_info["token"] not in self.state.config.tokens:
                raise ApiError(401, "Unauthorized")
            entry = METHODS.get(request.match_info["method"].lower())
            if entry is None:
                raise ApiError(404, "Not Found")
            name, func = entry
            metrics.method_calls[name] += 1
            params = await Params.read(request)
            await self._maybe_fault(name.lower())
            result = await func(self, params)
        except ApiError as error:
            metrics.errors_by_status[error.status] += 1
            if error.status == 429:
                metrics.too_many_requests += 1
            return web.json_response(error.payload(), status=error.status)
        return web.json_response({"ok": True, "result": result})

    async def _maybe_fault(self, name: str) -> None:
        if not self.faults.should_fail(name):
            return
        self.state.metrics.faults_injected += 1
        plan = self.faults.plan
        if plan.mode in ("hang", "hold"):
            await self.faults.hang(name, self.state.config.hang_seconds)
        if plan.mode != "hold":
            raise ApiError(plan.status, STATUS_TEXT.get(plan.status, "Internal Server Error"))

    # --- shared checks --------------------------------------------------------------------

    def chat_user(self, params: Params) -> SimUser:
        """The private chat a send targets, refused the way Telegram refuses it."""
        raw = params.raw("chat_id")
        if raw in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError) as exc:
            raise bad_request("chat not found") from exc
        user = self.state.users.get(chat_id)
        if user is None:
            raise bad_request("chat not found")
        if user.blocked:
            raise forbidden("bot was blocked by the user")
        if not user.started:
            raise forbidden("bot can't initiate conversation with a user")
        return user

    def take_send_slot(self, chat_id: int) -> None:
        retry_after = self.flood.acquire(chat_id)
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def record_send(self, name: str, message: ChatMessage) -> dict[str, Any]:
        metrics = self.state.metrics
        metrics.messages_per_chat[message.chat_id] += 1
        metrics.sends.append(
            {
                "method": name,
                "chat_id": message.chat_id,
                "message_id": message.message_id,
                "at": time.monotonic() - metrics.started_at,
                "date": message.date,
            }
        )
        return self.state.message_api(message)

    def own_message(self, params: Params, not_found: str) -> ChatMessage:
        user = self.chat_user(params)
        message = self.state.find_message(user.id, params.required_int("message_id"))
        if message is None or message.deleted:
            raise bad_request(not_found)
        return message

    @staticmethod
    def text_content(params: Params, field: str, limit: int, too_long: str) -> dict[str, Any]:
        """`text` or `caption` after parse mode and trimming; empty dict when nothing is left."""
        entities_field = "caption_entities" if field == "caption" else "entities"
        text, entities = format_text(
            params.str(field) or "", params.str("parse_mode"), params.json(entities_field)
        )
        if len(text) > limit:
            raise bad_request(too_long)
        if not text:
            return {}
        content: dict[str, Any] = {field: text}
        if entities:
            content[entities_field] = entities
        return content

    def input_file(self, params: Params, field: str) -> Upload | StoredFile:
        """An uploaded part, or a file Telegram already has, named by its file_id."""
        value = params.raw(field)
        if isinstance(value, Upload):
            if not value.content:
                raise bad_request("file must be non-empty")
            return value
        if not value:
            raise bad_request(f"there is no {field} in the request")
        if value in self.state.files:
            return self.state.files[value]
        if str(value).startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def keep(self, source: Upload | StoredFile) -> StoredFile:
        if isinstance(source, StoredFile):
            return source
        return self.state.store_file(source.content, source.file_name, source.mime_type)

    async def download(self, request: web.Request) -> web.Response:
        """`/file/bot{token}/{path}`: what PTB's File.download_* fetches after getFile."""
        if request.match_info["token"] not in self.state.config.tokens:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.state.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


@method("getMe")
async def get_me(api: BotApi, params: Params) -> dict[str, Any]:
    return {
        **api.state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(api: BotApi, params: Params) -> list[dict[str, Any]]:
    state = api.state
    if state.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = params.int("offset")
    if offset is not None:
        state.confirm(offset)
    allowed = params.json("allowed_updates")
    if allowed is not None:
        state.allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
    limit = min(max(params.int("limit", 100) or 100, 1), 100)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(params.float("timeout", 0.0), 0.0)
    state.poll_generation += 1
    generation = state.poll_generation
    state.notify()
    while True:
        state.updates = [u for u in state.updates if update_type(u) in state.allowed_updates]
        remaining = deadline - loop.time()
        if state.updates or remaining <= 0 or state.closing:
            batch = state.updates[:limit]
            for update in batch:
                state.metrics.update_deliveries[update["update_id"]] += 1
            return batch
        await state.wait_for_change(remaining)
        if state.poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if state.webhook is not None:
            return []


@method("sendMessage")
async def send_message(api: BotApi, params: Params) -> dict[str, Any]:
    user = api.chat_user(params)
    content = api.text_content(params, "text", MAX_TEXT, "message is too long")
    if not content:
        raise bad_request("message text is empty")
    markup = validate_markup(params.json("reply_markup"))
    api.take_send_slot(user.id)
    message = api.state.add_message(user.id, True, content, markup, silent=params.bool("disable_notification"))
    return api.record_send("sendMessage", message)


@method("sendDocument")
async def send_document(api: BotApi, params: Params) -> dict[str, Any]:
    user = api.chat_user(params)
    source = api.input_file(params, "document")
    caption = api.text_content(params, "caption", MAX_CAPTION, "message caption is too long")
    markup = validate_markup(params.json("reply_markup"))
    api.take_send_slot(user.id)
    stored = api.keep(source)
    content = {"document": document_object(stored), **caption}
    message = api.state.add_message(user.id, True, content, markup, silent=params.bool("disable_notification"))
    return api.record_send("sendDocument", message)


@method("sendPhoto")
async def send_photo(api: BotApi, params: Params) -> dict[str, Any]:
    user = api.chat_user(params)
    source = api.input_file(params, "photo")
    size = image_size(source.content)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    caption = api.text_content(params, "caption", MAX_CAPTION, "message caption is too long")
    markup = validate_markup(params.json("reply_markup"))
    api.take_send_slot(user.id)
    stored = api.keep(source)
    content = {"photo": photo_sizes(stored, *size), **caption}
    message = api.state.add_message(user.id, True, content, markup, silent=params.bool("disable_notification"))
    return api.record_send("sendPhoto", message)


@method("sendChatAction")
async def send_chat_action(api: BotApi, params: Params) -> bool:
    api.chat_user(params)
    if params.str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@method("editMessageText")
async def edit_message_text(api: BotApi, params: Params) -> dict[str, Any]:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message = api.own_message(params, "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    if "text" not in message.content:
        raise bad_request("there is no text in the message to edit")
    content = api.text_content(params, "text", MAX_TEXT, "MESSAGE_TOO_LONG")
    if not content:
        raise bad_request("message text is empty")
    markup = validate_markup(params.json("reply_markup"), inline_only=True)
    return apply_edit(api, message, content, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApi, params: Params) -> dict[str, Any]:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message = api.own_message(params, "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    markup = validate_markup(params.json("reply_markup"), inline_only=True)
    return apply_edit(api, message, message.content, markup)


def apply_edit(
    api: BotApi, message: ChatMessage, content: dict[str, Any], markup: dict[str, Any] | None
) -> dict[str, Any]:
    """Telegram drops the inline keyboard when an edit does not repeat it."""
    if content == message.content and markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.content = content
    message.reply_markup = markup
    message.edit_date = api.state.clock.timestamp()
    return api.state.message_api(message)


def delete_one(api: BotApi, chat_id: int, message_id: int) -> None:
    message = api.state.find_message(chat_id, message_id)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    if api.state.clock.now() - message.date >= api.state.config.delete_window_seconds:
        raise bad_request("message can't be deleted")
    message.deleted = True


@method("deleteMessage")
async def delete_message(api: BotApi, params: Params) -> bool:
    user = api.chat_user(params)
    delete_one(api, user.id, params.required_int("message_id"))
    return True


@method("deleteMessages")
async def delete_messages(api: BotApi, params: Params) -> bool:
    """Telegram skips messages it cannot delete; it fails only when none could be."""
    user = api.chat_user(params)
    ids = params.json("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must contain 1-100 identifiers")
    deleted = 0
    for message_id in ids:
        try:
            delete_one(api, user.id, int(message_id))
            deleted += 1
        except ApiError:
            continue
    if not deleted:
        raise bad_request("message to delete not found")
    return True


@method("answerCallbackQuery")
async def answer_callback_query(api: BotApi, params: Params) -> bool:
    record = api.state.callbacks.get(params.str("callback_query_id") or "")
    late = record is not None and api.state.clock.now() - record.pressed_at > api.state.config.callback_answer_seconds
    if record is None or record.answered or late:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.str("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = {
        "text": text,
        "show_alert": params.bool("show_alert"),
        "url": params.str("url"),
        "cache_time": params.int("cache_time", 0),
    }
    return True


@method("setMyCommands")
async def set_my_commands(api: BotApi, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an array of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_NAME.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = (command_scope_key(params.json("scope")), language_code(params))
    if commands:
        api.state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        api.state.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(api: BotApi, params: Params) -> list[dict[str, str]]:
    key = (command_scope_key(params.json("scope")), language_code(params))
    return api.state.commands.get(key, [])


@method("deleteMyCommands")
async def delete_my_commands(api: BotApi, params: Params) -> bool:
    key = (command_scope_key(params.json("scope")), language_code(params))
    api.state.commands.pop(key, None)
    return True


def language_code(params: Params) -> str:
    code = params.str("language_code") or ""
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("LANG_CODE_INVALID")
    return code


@method("setWebhook")
async def set_webhook(api: BotApi, params: Params) -> bool:
    url = params.str("url") or ""
    state = api.state
    if params.bool("drop_pending_updates"):
        state.updates.clear()
    if not url:
        state.webhook = None
        state.notify()
        return True
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.str("secret_token")
    if secret is not None and not SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.json("allowed_updates")
    hook = state.webhook
    if hook and (hook.url, hook.secret_token, hook.allowed_updates, hook.max_connections) == (url, secret, allowed, max_connections):
        return True  # "Webhook is already set": deliveries under way carry on
    state.webhook = Webhook(url, secret, allowed, max_connections)
    state.notify()
    return True


@method("deleteWebhook")
async def delete_webhook(api: BotApi, params: Params) -> bool:
    if params.bool("drop_pending_updates"):
        api.state.updates.clear()
    api.state.webhook = None
    api.state.notify()
    return True


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, params: Params) -> dict[str, Any]:
    hook = api.state.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(api.state.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


@method("getFile")
async def get_file(api: BotApi, params: Params) -> dict[str, Any]:
    stored = api.state.files.get(params.str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


@method("close")
async def close(api: BotApi, params: Params) -> bool:
    return True


@method("logOut")
async def log_out(api: BotApi, params: Params) -> bool:
    return True
