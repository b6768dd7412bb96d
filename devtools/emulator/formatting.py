"""Text rules Telegram applies to messages: HTML parse mode, bot-command entities and
UTF-16 offsets (entity offsets and lengths count UTF-16 code units, not characters)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from devtools.emulator.errors import bad_request

COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
OTHER_TAGS = {"a", "span", "tg-emoji"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities for every /command in a user's text, like Telegram adds them."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in COMMAND.finditer(text)
    ]


class _EntityParser(HTMLParser):
    """Collects plain text and entities, rejecting what Telegram's HTML mode rejects."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.text: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.split("\n")
        index = sum(len(part) + 1 for part in lines[: line - 1]) + column
        return len(self.source[:index].encode())

    def _fail(self, detail: str) -> None:
        raise bad_request(f"can't parse entities: {detail}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        entity: dict[str, Any]
        if tag in SIMPLE_TAGS:
            entity = {"type": SIMPLE_TAGS[tag]}
            if tag == "blockquote" and "expandable" in attributes:
                entity = {"type": "expandable_blockquote"}
            if tag == "code" and self.open and self.open[-1][0] == "pre":
                language = (attributes.get("class") or "").removeprefix("language-")
                if language:
                    self.open[-1][2]["language"] = language
                entity = {}
        elif tag == "a":
            href = attributes.get("href") or ""
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            entity = (
                {"type": "text_mention", "user": {"id": int(user.group(1)), "is_bot": False}}
                if user
                else {"type": "text_link", "url": href}
            )
        elif tag == "span" and attributes.get("class") == "tg-spoiler":
            entity = {"type": "spoiler"}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id") or ""}
        else:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
            return
        self.open.append((tag, self.length, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
        name, start, entity = self.open.pop()
        if name != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{name}>", found "</{tag}>"'
            )
        if entity and self.length > start:
            self.entities.append({**entity, "offset": start, "length": self.length - start})

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self.length += utf16_len(data)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text plus entities for a message sent with parse_mode=HTML."""
    parser = _EntityParser(source)
    parser.feed(source)
    parser.close()
    if parser.open:
        parser._fail(f'Can\'t find end tag corresponding to start tag "{parser.open[-1][0]}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.text), entities


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips surrounding whitespace and shifts entities to match."""
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    trimmed = text.strip()
    end = utf16_len(trimmed)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return trimmed, kept


def format_text(
    text: str, parse_mode: str | None, explicit: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply the parse mode (only HTML is interpreted; other modes pass text through)."""
    if parse_mode and parse_mode.lower() == "html":
        return trim(*parse_html(text))
    return trim(text, explicit or [])
