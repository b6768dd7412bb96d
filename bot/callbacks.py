"""Packed callback data: a short prefix and one value, within Telegram's 64-byte limit.

Anything that does not parse is treated as forged: it changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
PREFIXES = {
    "l": "language",
    "c": "consent",
    "s": "survey",
    "a": "answer",
    "t": "toggle",
    "q": "navigate",
    "f": "forget",
    "x": "exit",
    "r": "report",
    "e": "event_new",
    "m": "event_manage",
    "v": "events",
    "o": "optout",
    "y": "aid",
    "u": "membership",
    "d": "membership_decide",
    "k": "milestone",
    "z": "correction",
    "n": "notice",
    "w": "withdraw",
    "h": "health",
    "b": "comments",
    "p": "survey_results",
    "g": "item_chart",
}
# The screen a step-by-step flow's buttons belong to: a button of one of these kinds counts
# only while the conversation is on its screen, so an old button of another flow, its Cancel
# included, cannot end or change the flow that is current.
FLOW_SCREENS = {
    "event_new": "staff.event_new",
    "milestone": "staff.milestone",
    "correction": "staff.correct",
    "membership": "member",
}
_VALUE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,59}")


@dataclass(frozen=True)
class Callback:
    kind: str
    value: str


def pack(kind: str, value: str = "") -> str:
    prefix = next(p for p, name in PREFIXES.items() if name == kind)
    data = f"{prefix}:{value}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def fits(kind: str, value: str) -> bool:
    """Whether `value` can travel in a button of this kind."""
    prefix = next(p for p, name in PREFIXES.items() if name == kind)
    return len(f"{prefix}:{value}".encode()) <= MAX_BYTES and bool(_VALUE.fullmatch(value))


def parse(data: str | None) -> Callback | None:
    """The callback, or None for anything malformed, oversized or unknown."""
    if not data or len(data.encode()) > MAX_BYTES or ":" not in data:
        return None
    prefix, value = data.split(":", 1)
    kind = PREFIXES.get(prefix)
    if kind is None or (value and not _VALUE.fullmatch(value)):
        return None
    return Callback(kind, value)
