"""Send slots within Telegram's limits: about 30 messages a second overall, about 1 a second
per chat. Pure bookkeeping over a monotonic time the caller passes in, so it is exact to test.

Slots are booked, not polled: `reserve` hands out the next free instant and moves the
bookings on, so senders working at once never take the same slot. Spacing is even (no
bursts), which keeps a drainer under a token-bucket limit of the same rate at all times.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    global_rate: float
    per_chat_rate: float
    _next_global: float = 0.0
    _next_chat: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.global_rate <= 0 or self.per_chat_rate <= 0:
            raise ValueError("rates must be positive")

    def wait(self, chat_id: int, now: float) -> float:
        """Seconds until `chat_id` could send, without booking anything."""
        return max(0.0, self._next_global - now, self._next_chat.get(chat_id, 0.0) - now)

    def reserve(self, chat_id: int, now: float) -> float:
        """Book the next slot for `chat_id`; returns how long to sleep before sending."""
        at = now + self.wait(chat_id, now)
        self._next_global = at + 1.0 / self.global_rate
        self._next_chat[chat_id] = at + 1.0 / self.per_chat_rate
        if len(self._next_chat) > 10_000:
            self._forget_past(now)
        return at - now

    def backlog(self, now: float) -> float:
        """How far ahead the overall slots are booked."""
        return max(0.0, self._next_global - now)

    def pause(self, seconds: float, now: float) -> None:
        """Telegram said 'retry after': nobody sends before then."""
        self._next_global = max(self._next_global, now + seconds)

    def _forget_past(self, now: float) -> None:
        self._next_chat = {chat: at for chat, at in self._next_chat.items() if at > now}
