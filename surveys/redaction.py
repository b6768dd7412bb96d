"""Contact details typed into an anonymous survey's free text are removed before it is kept.

People asked not to write names or numbers sometimes still do, and an anonymous answer that
carries a phone number is no longer anonymous. What can be recognised reliably is removed:
e-mail addresses, Turkish IBANs, phone numbers and 11-digit identity numbers. Names cannot be
told from ordinary words, so the question's hint keeps asking people not to write them.
"""

from __future__ import annotations

import re

PLACEHOLDER = "[silindi]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\bTR\s?\d{2}(?:\s?[0-9A-Z]){22}\b", re.IGNORECASE)
# A run of digits, possibly grouped with spaces, dots, dashes, slashes or brackets, with an
# optional leading +. Phone numbers (with or without 0 or +90) and identity numbers have 10 to
# 13 digits; dates (8), years, counts and amounts have fewer or are grouped differently.
_DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().\-/]{0,2}\d)+(?!\w)")
# A local landline number without its area code: 293 12 34.
_LOCAL_NUMBER = re.compile(r"(?<![\w.,])\d{3}[\s.-]\d{2}[\s.-]\d{2}(?![\w.,])")


def _phone_or_identity(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return PLACEHOLDER if 10 <= digits <= 13 else match.group()


def redact_contact_details(text: str) -> str:
    """`text` with every recognisable contact detail replaced by a neutral placeholder."""
    text = _EMAIL.sub(PLACEHOLDER, text)
    text = _IBAN.sub(PLACEHOLDER, text)
    text = _DIGIT_RUN.sub(_phone_or_identity, text)
    return _LOCAL_NUMBER.sub(PLACEHOLDER, text)
