"""Sending the outbox within Telegram's limits: a rate limiter, the retry policy, the drainer."""

from bot.outbox.drainer import Drainer, DrainStats, drain_job
from bot.outbox.limiter import RateLimiter

__all__ = ["DrainStats", "Drainer", "RateLimiter", "drain_job"]
