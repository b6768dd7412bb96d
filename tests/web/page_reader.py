"""Reading a public page as the browser tests do: its data-field figures, per indicator card."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    html_attrs: dict[str, str | None] = field(default_factory=dict)
    body_attrs: dict[str, str | None] = field(default_factory=dict)
    # data-field -> data-value parsed as JSON, outside any indicator card
    fields: dict[str, Any] = field(default_factory=dict)
    # card code -> data-field -> data-value parsed as JSON
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[dict[str, str | None]] = field(default_factory=list)
    svgs: list[dict[str, str | None]] = field(default_factory=list)
    tables: int = 0
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str | None]] = []  # (tag, card code)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        card = self.stack[-1][1] if self.stack else None
        if tag == "article" and "indicator" in (given.get("class") or "").split():
            card = given["data-code"]
            assert card not in self.page.cards, f"two cards for {card}"
            self.page.cards[card] = {}
        if tag == "html":
            self.page.html_attrs = given
        if tag == "body":
            self.page.body_attrs = given
        if tag == "a":
            self.page.links.append(given)
        if tag == "svg":
            self.page.svgs.append(given)
        if tag == "table":
            self.page.tables += 1
        if "data-field" in given:
            target = self.page.cards[card] if card else self.page.fields
            name = given["data-field"] or ""
            assert name not in target, f"{name} twice in {card or 'the page'}"
            target[name] = json.loads(given["data-value"] or "")
        if tag not in VOID:
            self.stack.append((tag, card))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.page.text.append(data.strip())


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
