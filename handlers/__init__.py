"""Telegram handlers, one module per feature; each registers itself on the application.

Order matters: edited messages are caught first, the catch-alls last.
"""

from __future__ import annotations

from typing import Any

from handlers import consent, errors, fallback, language, privacy, start, survey

FEATURES = (fallback.edited, start, language, consent, privacy, survey, fallback)


def register_all(application: Any) -> None:
    for feature in FEATURES:
        feature.register(application)
    application.add_error_handler(errors.on_error)
