"""Turn a stored outbox payload into one Bot API call.

Payload shapes (what `storage.repositories.outbox.enqueue` documents):
  {"text": str, "reply_markup"?: dict, "disable_notification"?: bool, "parse_mode"?: str}
  {"document": {"file_name": str, "content_b64": str}, "caption"?: str, ...}
  {"photo": {"file_name"?: str, "content_b64": str}, "caption"?: str, ...}
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message


class BadPayload(ValueError):
    """The stored payload cannot be sent as it is; retrying would not help."""


def _file(spec: Any, default_name: str) -> InputFile:
    if not isinstance(spec, dict) or "content_b64" not in spec:
        raise BadPayload("a file needs {'content_b64': ..., 'file_name': ...}")
    try:
        content = base64.b64decode(spec["content_b64"], validate=True)
    except (binascii.Error, TypeError) as error:
        raise BadPayload(f"content_b64 is not base64: {error}") from None
    return InputFile(content, filename=str(spec.get("file_name") or default_name))


async def send_payload(bot: Bot, chat_id: int, payload: dict[str, Any]) -> Message:
    markup = InlineKeyboardMarkup.de_json(payload["reply_markup"], bot) if payload.get("reply_markup") else None
    common: dict[str, Any] = {
        "reply_markup": markup,
        "disable_notification": bool(payload.get("disable_notification", False)),
    }
    if payload.get("parse_mode"):
        common["parse_mode"] = payload["parse_mode"]
    if "document" in payload:
        document = _file(payload["document"], "document")
        return await bot.send_document(chat_id, document, caption=payload.get("caption"), **common)
    if "photo" in payload:
        photo = _file(payload["photo"], "image.png")
        return await bot.send_photo(chat_id, photo, caption=payload.get("caption"), **common)
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadPayload("a message payload needs 'text', 'document' or 'photo'")
    return await bot.send_message(chat_id, text, **common)
