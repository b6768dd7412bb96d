"""Telegram handlers, one module per feature; each registers itself on the application.

Order matters: edited messages are caught first, the catch-alls last.
"""

from __future__ import annotations

from typing import Any

from handlers import (
    comments,
    consent,
    errors,
    events,
    fallback,
    language,
    membership,
    notice,
    privacy,
    reachability,
    reports,
    staff,
    staff_text,
    start,
    survey,
)

FEATURES = (
    fallback.edited,
    staff,
    start,
    language,
    consent,
    notice,
    privacy,
    staff_text,
    events,
    membership,
    survey,
    reports,
    comments,
    reachability,
    fallback,
)


def register_all(application: Any) -> None:
    for feature in FEATURES:
        feature.register(application)
    application.add_error_handler(errors.on_error)
