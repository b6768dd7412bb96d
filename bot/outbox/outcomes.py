"""What a failed send means for its outbox row: a pure decision over the error and the attempts
made, so the policy is one table to read and to test."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0


@dataclass(frozen=True)
class Outcome:
    action: str  # "retry", "blocked" or "failed"
    delay: float = 0.0
    count_attempt: bool = True
    pause_everyone: bool = False
    reason: str = ""


def backoff(attempts: int, base: float = BACKOFF_BASE_SECONDS) -> float:
    """2, 4, 8 … seconds after the 1st, 2nd, 3rd … failure, at most ten minutes."""
    return min(BACKOFF_CAP_SECONDS, base * 2 ** max(0, attempts - 1))


def classify(error: BaseException, failures_before: int, backoff_base: float = BACKOFF_BASE_SECONDS) -> Outcome:
    """`failures_before`: how many earlier attempts of this row failed."""
    reason = f"{type(error).__name__}: {error}"[:500]
    if isinstance(error, RetryAfter):
        # Flood control is not the row's fault: it does not use up an attempt.
        # The private timedelta: the public attribute is an int with a deprecation warning.
        seconds = error._retry_after.total_seconds()  # noqa: SLF001
        return Outcome("retry", delay=seconds, count_attempt=False, pause_everyone=True, reason=reason)
    if isinstance(error, Forbidden):
        return Outcome("blocked", reason=reason)
    if isinstance(error, BadRequest):
        return Outcome("failed", reason=reason)
    if isinstance(error, (TimedOut, NetworkError)):
        # Connection failures, time-outs and 5xx answers: the server may come back.
        failures = failures_before + 1
        if failures >= MAX_ATTEMPTS:
            return Outcome("failed", reason=f"gave up after {failures} attempts; {reason}")
        return Outcome("retry", delay=backoff(failures, backoff_base), reason=reason)
    if isinstance(error, TelegramError):
        return Outcome("failed", reason=reason)
    # A payload the bot cannot even build (missing field, bad base64): retrying cannot help.
    return Outcome("failed", reason=reason)
