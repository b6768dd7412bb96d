"""What an anonymous survey's free text must not keep is removed before it is kept.

People asked not to write names or numbers sometimes still do, and an anonymous answer that
carries a phone number or the writer's name is no longer anonymous. Removed: e-mail
addresses, Turkish IBANs, every run of 10 or more digits (mobile and landline numbers in any
usual Turkish spelling, identity and card numbers), local 7-digit numbers like 293 12 34, and
the writer's own names as Telegram shows them (first, last and user name), matched as whole
words whatever their case or Turkish letters (İ/ı, ş/s...). Other people's names cannot be
told from ordinary words, so the question's hint keeps asking people not to write them.

Invisible characters (zero-width, bidirectional controls, other format and control
characters but newline and tab) are dropped from every typed answer: they can hide a mark
that tells one person's text apart, or make a report show text other than what is stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDER = "[silindi]"
KEPT_CONTROLS = frozenset("\n\t")
# Categories of characters nobody sees: format (Cf: zero-width, bidi), control (Cc),
# surrogates (Cs, which no database can store either).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\bTR\s?\d{2}(?:\s?[0-9A-Z]){22}\b", re.IGNORECASE)
# A run of digits, possibly grouped with spaces, dots, dashes, slashes or brackets, with an
# optional leading +, touching no other digit. Letters around it do not matter ("tel5321234567",
# "05321234567'yi", "5321234567den"). Phone numbers (with or without 0, +90 or 0090) and
# identity numbers have 10 or more digits; dates (8), years, counts and amounts have fewer.
_DIGIT_RUN = re.compile(r"(?<!\d)\+?\(?\d(?:[\s().\-/]{0,3}\d)+(?!\d)")
PHONE_DIGITS = 10
# A local landline number without its area code: 293 12 34.
_LOCAL_NUMBER = re.compile(r"(?<![\d.,])\d{3}[\s.-]\d{2}[\s.-]\d{2}(?![\d.,])")

# Letters a Turkish name may be typed with: either case, with or without its marks.
_LETTER_VARIANTS = ("iıİI", "sşSŞ", "cçCÇ", "gğGĞ", "oöOÖ", "uüUÜ")
_VARIANTS = {letter: group for group in _LETTER_VARIANTS for letter in group}
# Case endings Turkish writes onto a name, with or without the apostrophe:
# Ayşe'ye, Ayşeye, Ayşenin, Ayşeden, Ayşeyle...
_SUFFIX = r"(?:['’]?(?:[yn]?[iıuü]n|y?l[ae]|l[ae]r|[dt][ae]n?|[yn]?[aeiıuü]))?"
MIN_NAME_CHARS = 2


@dataclass(frozen=True)
class Redaction:
    text: str
    contact: bool  # contact details were removed
    name: bool  # the writer's own name was removed


def strip_invisible(text: str) -> str:
    """`text` in composed form (NFC) without invisible characters, newline and tab kept."""
    composed = unicodedata.normalize("NFC", text)
    return "".join(
        char for char in composed
        if char in KEPT_CONTROLS or unicodedata.category(char) not in _INVISIBLE_CATEGORIES
    )


def _phone_or_identity(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return PLACEHOLDER if digits >= PHONE_DIGITS else match.group()


def redact_contact_details(text: str) -> str:
    """`text` with every recognisable contact detail replaced by a neutral placeholder."""
    text = _EMAIL.sub(PLACEHOLDER, text)
    text = _IBAN.sub(PLACEHOLDER, text)
    text = _DIGIT_RUN.sub(_phone_or_identity, text)
    return _LOCAL_NUMBER.sub(PLACEHOLDER, text)


def _word_pattern(word: str) -> str:
    return "".join(f"[{_VARIANTS[char]}]" if char in _VARIANTS else re.escape(char) for char in word)


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words of the given names, in any case and Turkish spelling; None when no name
    has a word worth matching (one letter, or only digits)."""
    words = {
        word
        for name in names
        for word in re.findall(r"\w+", unicodedata.normalize("NFKC", strip_invisible(name)))
        if len(word) >= MIN_NAME_CHARS and not word.isdigit()
    }
    alternatives = [_word_pattern(word) for word in sorted(words, key=lambda w: (-len(w), w))]
    # A name that is the placeholder's own word would be found again inside every placeholder.
    alternatives = [a for a in alternatives if not re.fullmatch(a + _SUFFIX, "silindi", re.IGNORECASE)]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)}){_SUFFIX}(?!\w)", re.IGNORECASE)


def redact_names(text: str, names: Iterable[str]) -> str:
    """`text` with each whole-word occurrence of the names replaced by the placeholder."""
    pattern = names_pattern(names)
    return text if pattern is None else pattern.sub(PLACEHOLDER, text)


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """An anonymous answer as it may be kept: visible characters only, in compatibility form
    (so 𝐀𝐲ş𝐞 or ０５３２ are matched like Ayşe and 0532), without contact details or the
    writer's own names."""
    plain = strip_invisible(unicodedata.normalize("NFKC", text))
    without_contact = redact_contact_details(plain)
    without_names = redact_names(without_contact, names)
    return Redaction(without_names, contact=without_contact != plain, name=without_names != without_contact)
