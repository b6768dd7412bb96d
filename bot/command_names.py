"""Command names per language: Turkish users are shown Turkish commands, everyone else the
English ones, and every name works for everyone (a command read on a poster or typed from
habit must never be "unknown").

Telegram allows only a-z, 0-9 and _ in command names, so Turkish names are written without
Turkish letters (/yardim, not /yardım). Keys are the catalogue names (`command.<key>`).
"""

from __future__ import annotations

# key: (Turkish name, English name, other names that keep working)
_NAMES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "start": ("start", "start", ()),
    "language": ("dil", "language", ()),
    "help": ("yardim", "help", ()),
    "events": ("etkinlikler", "events", ()),
    "uye": ("uye", "member", ()),
    "cancel": ("iptal", "cancel", ()),
    "forget": ("sil", "forget", ()),
    "cikis": ("cikis", "exit", ()),
    "consents": ("izinler", "consents", ()),
    "notice": ("aydinlatma", "notice", ()),
    "report": ("rapor", "report", ()),
    "indicator": ("gosterge", "indicator", ()),
    "comments": ("yorumlar", "comments", ()),
    "subscribe": ("abone", "subscribe", ()),
    "unsubscribe": ("abonelikten_cik", "unsubscribe", ()),
}

# The citizen menu, in the order Telegram shows it.
CITIZEN_COMMANDS = ("start", "events", "uye", "language", "help", "notice", "consents", "cancel", "forget", "cikis")


def shown(key: str, lang: str) -> str:
    """The name a person reading `lang` is shown (without the slash)."""
    turkish, english, _ = _NAMES[key]
    return turkish if lang not in ("en", "ar") else english


def accepted(key: str) -> list[str]:
    """Every name that runs the command, for a CommandHandler."""
    turkish, english, others = _NAMES[key]
    return list(dict.fromkeys((turkish, english, *others)))
