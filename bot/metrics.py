"""kentbot's Prometheus metrics, on a registry of its own per process (so tests can build
several applications side by side and nothing of other libraries leaks into the scrape).

Counters and the histogram are kept in memory by the process that serves `/metrics`; the
gauges about stored rows are read from the database at scrape time (`bot/web/health.py`), so
every worker reports the same backlog however many run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

UPDATE_KINDS = ("message", "callback_query", "other")
ERROR_KINDS = ("bad_request", "forbidden", "retry_after", "network", "other")
# A turn is a few database round trips and one to three Bot API calls.
TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def update_kind(update: object) -> str:
    """The label of an update: what a citizen or staff member did."""
    if isinstance(update, Update):
        if update.message is not None:
            return "message"
        if update.callback_query is not None:
            return "callback_query"
    return "other"


def error_kind(error: BaseException) -> str | None:
    """The label of a Telegram failure, as delivery and the outbox tell them apart; None for
    anything that is not Telegram's (a payload the bot could not build)."""
    if not isinstance(error, TelegramError):
        return None
    if isinstance(error, RetryAfter):
        return "retry_after"
    if isinstance(error, Forbidden):
        return "forbidden"
    if isinstance(error, BadRequest):
        return "bad_request"
    if isinstance(error, NetworkError):  # time-outs included
        return "network"
    return "other"


class Metrics:
    """What one kentbot process measures."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "kentbot_updates_handled", "Updates handled, by kind", ["kind"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "kentbot_turn_seconds", "Time to apply one update, seconds", buckets=TURN_BUCKETS, registry=self.registry
        )
        self.telegram_errors = Counter(
            "kentbot_telegram_errors", "Bot API calls that failed, by kind", ["kind"], registry=self.registry
        )
        self.outbox_pending = Gauge(
            "kentbot_outbox_pending", "Outbox rows due and waiting to be sent", registry=self.registry
        )
        self.outbox_oldest_age = Gauge(
            "kentbot_outbox_oldest_pending_age_seconds",
            "Seconds since the oldest waiting outbox row became due (0 when none waits)",
            registry=self.registry,
        )
        self.weekly_report = Gauge(
            "kentbot_weekly_report_last_queued_timestamp_seconds",
            "When the latest weekly report was queued, unix seconds (0 when never)",
            registry=self.registry,
        )
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for kind in ERROR_KINDS:
            self.telegram_errors.labels(kind)

    @contextmanager
    def turn(self, update: object) -> Iterator[None]:
        """Count and time the handling of `update`, failed or not."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.turn_seconds.observe(time.perf_counter() - started)
            self.updates.labels(update_kind(update)).inc()

    def telegram_error(self, error: BaseException) -> None:
        kind = error_kind(error)
        if kind is not None:
            self.telegram_errors.labels(kind).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
