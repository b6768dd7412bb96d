"""Numbers and dates the way managers read them: 1.234,5 and %85,3 in Turkish.

Arabic uses Western digits and English separators, so a figure reads the same in the
three texts and a manager comparing them never has to convert digits.
"""

from __future__ import annotations

from datetime import date, datetime


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """Whole numbers without decimals unless asked; one decimal otherwise."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    if lang == "tr":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(value: float, lang: str, decimals: int = 1) -> str:
    """`value` is already in percent (85.3, not 0.853)."""
    text = number(abs(value), lang, decimals)
    sign = "-" if round(value, decimals) < 0 else ""
    return f"{sign}%{text}" if lang == "tr" else f"{sign}{text}%"


def signed(value: float, lang: str, decimals: int | None = None) -> str:
    """A change with its sign, so "+0" reads as "no change" rather than a level."""
    text = number(abs(value), lang, decimals)
    return f"-{text}" if text.strip("0,.") and value < 0 else f"+{text}"


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def moment(value: datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M")
