"""Emulator settings: which tokens are valid, the bot's identity and the flood-control rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_PATTERN = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]+$")
DEMO_TOKEN = "123456789:kentbot-emulator-demo-token"


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything a test or demo may want to vary, with Telegram-like defaults.

    Flood control is a token bucket, so short bursts pass as they do on Telegram:
    each chat may take ``per_chat_burst`` sends at once, refilled at ``per_chat_rate``
    per second; the whole bot may take ``global_rate`` sends at once, refilled at
    ``global_rate`` per second. A rate of 0 disables that limit.
    """

    tokens: tuple[str, ...]
    bot_first_name: str = "kentbot"
    bot_username: str = "kentbot_emulator_bot"
    global_rate: int = 30
    per_chat_rate: int = 1
    per_chat_burst: int = 3
    # Telegram tries again after 1 s, doubling up to a minute, for about a day; tests shorten it.
    webhook_attempts: int = 3
    webhook_retry_delay: float = 0.2
    webhook_max_retry_delay: float = 60.0
    delete_window_seconds: int = 48 * 3600
    hang_seconds: float = 30.0
    # How long after a press Telegram still takes the bot's answer (roughly; undocumented).
    callback_answer_seconds: float = 15.0
    max_upload_bytes: int = 50 * 1024 * 1024
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.tokens:
            raise ValueError("at least one bot token is required")
        ids = set()
        for token in self.tokens:
            match = TOKEN_PATTERN.match(token)
            if match is None:
                raise ValueError(f"not a Bot API token: {token!r}")
            ids.add(match.group(1))
        if len(ids) != 1:
            raise ValueError("all tokens must belong to the same bot id")

    @property
    def bot_id(self) -> int:
        """The numeric part before the colon, which Telegram uses as the bot's user id."""
        return int(self.tokens[0].split(":", 1)[0])
