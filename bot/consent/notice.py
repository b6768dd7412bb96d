"""The KVKK information notice (aydınlatma metni, Law 6698 Article 10), built from the
controller's own file (`KENTBOT_KVKK_NOTICE`).

What the law asks the controller to say (who it is, why, to whom, how and on what ground,
the Article 11 rights and how to use them) is partly the municipality's to decide (its name,
address, KEP, purposes, recipients, grounds, retention): that comes from the file. The rights
and the sentence frame are the same for every deployment: they are in the message catalogues
(`bot/locales/<lang>/notice.yaml`). The file is checked item by item, so a start-up that would
show an incomplete notice names what is missing in one line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.i18n import LANGUAGES, t

SAMPLE = Path(__file__).parent / "sample_notice.yaml"
# Purposes a person consents to one by one; `health` is the separate explicit consent for
# health data (KVKK Article 6).
PURPOSES = ("survey", "events", "membership", "health")
# Telegram refuses a message longer than 4096 characters.
MESSAGE_LIMIT = 4096


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Texts(_Strict):
    tr: str | None = None
    en: str | None = None
    ar: str | None = None


class PerPurpose(_Strict):
    survey: Texts | None = None
    events: Texts | None = None
    membership: Texts | None = None
    health: Texts | None = None


class Controller(_Strict):
    name: Texts | None = None
    address: str | None = None
    email: str | None = None
    kep: str | None = None
    phone: str | None = None


class Notice(_Strict):
    """The controller's file as read; `missing()` says which Article 10 item is not given."""

    controller: Controller | None = None
    representative: Texts | None = None
    contact_person: Texts | None = None
    verbis: str | None = None
    url: str | None = None
    method: Texts | None = None
    recipients: Texts | None = None
    purposes: PerPurpose | None = None
    legal_grounds: PerPurpose | None = None
    retention: PerPurpose | None = None


class NoticeError(Exception):
    """The notice file is missing, unreadable or incomplete; the message is one line."""


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _missing_texts(name: str, texts: Texts | None) -> list[str]:
    if texts is None or all(_blank(getattr(texts, lang)) for lang in LANGUAGES):
        return [name]
    return [f"{name}.{lang}" for lang in LANGUAGES if _blank(getattr(texts, lang))]


def missing(notice: Notice) -> list[str]:
    """Every Article 10 item the file leaves out, by its place in the file, in file order."""
    controller = notice.controller or Controller()
    found = _missing_texts("controller.name", controller.name)
    found += [f"controller.{field}" for field in ("address", "email", "kep") if _blank(getattr(controller, field))]
    found += _missing_texts("method", notice.method)
    found += _missing_texts("recipients", notice.recipients)
    for section in ("purposes", "legal_grounds", "retention"):
        table = getattr(notice, section) or PerPurpose()
        for purpose in PURPOSES:
            found += _missing_texts(f"{section}.{purpose}", getattr(table, purpose))
    if notice.controller is not None and not _blank(controller.email) and "@" not in (controller.email or ""):
        found.append("controller.email (not an e-mail address)")
    return found


def parse(data: Any, source: str) -> Notice:
    """The notice in `data` (a parsed YAML document), or NoticeError naming what is wrong."""
    try:
        notice = Notice.model_validate(data or {})
    except ValidationError as error:
        places = ", ".join(".".join(str(part) for part in e["loc"]) or "file" for e in error.errors())
        raise NoticeError(f"{source}: not a KVKK notice file ({places})") from None
    absent = missing(notice)
    if absent:
        raise NoticeError(f"{source}: the KVKK notice (Article 10) lacks {', '.join(absent)}")
    return notice


@cache
def load(path: Path) -> Notice:
    """Read and check the controller's file; cached, as it does not change while running."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoticeError(f"{path}: the KVKK notice file does not exist") from None
    except OSError as error:
        raise NoticeError(f"{path}: the KVKK notice file cannot be read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise NoticeError(f"{path}: cannot be read as YAML ({error.__class__.__name__})") from None
    return parse(data, str(path))


def _in(texts: Texts | None, lang: str) -> str:
    assert texts is not None
    return (getattr(texts, lang) or texts.tr or "").strip()


def _of(table: PerPurpose | None, purpose: str, lang: str) -> str:
    assert table is not None
    return _in(getattr(table, purpose), lang)


def full_text(notice: Notice, lang: str) -> str:
    """The whole notice in `lang`: every Article 10 item, the Article 11 rights and how to apply."""
    controller = notice.controller
    assert controller is not None
    who = [t(lang, "notice.controller", name=_in(controller.name, lang), address=controller.address or "")]
    if notice.representative is not None:
        who.append(t(lang, "notice.representative", name=_in(notice.representative, lang)))
    if notice.contact_person is not None:
        who.append(t(lang, "notice.contact_person", name=_in(notice.contact_person, lang)))
    if notice.verbis:
        who.append(t(lang, "notice.verbis", code=notice.verbis))
    sections = [
        t(lang, "notice.title"),
        "\n".join(who),
        "\n".join([t(lang, "notice.purposes")] + [
            t(lang, f"notice.purpose.{p}", text=_of(notice.purposes, p, lang)) for p in PURPOSES
        ]),
        f"{t(lang, 'notice.recipients')}\n{_in(notice.recipients, lang)}",
        "\n".join([t(lang, "notice.method"), _in(notice.method, lang)] + [
            t(lang, f"notice.purpose.{p}", text=_of(notice.legal_grounds, p, lang)) for p in PURPOSES
        ]),
        "\n".join([t(lang, "notice.retention")] + [
            t(lang, f"notice.purpose.{p}", text=_of(notice.retention, p, lang)) for p in PURPOSES
        ]),
        t(lang, "notice.rights"),
        t(lang, "notice.apply", address=controller.address or "", kep=controller.kep or "", email=controller.email or ""),
    ]
    if notice.url:
        sections.append(t(lang, "notice.url", url=notice.url))
    return "\n\n".join(sections)


def in_messages(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` cut at paragraph breaks into pieces Telegram accepts (a paragraph longer than the
    limit is cut at line breaks, then hard)."""
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:
            cut = paragraph.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            pieces, current = _flush(pieces, current), ""
            pieces.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip("\n")
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) > limit:
            pieces, current = _flush(pieces, current), paragraph
        else:
            current = joined
    return _flush(pieces, current)


def _flush(pieces: list[str], current: str) -> list[str]:
    return [*pieces, current] if current else pieces


def summary(notice: Notice, purpose: str, lang: str) -> str:
    """The short notice shown with a consent question: who, what for, what is kept, the rights
    in plain words; the full text is one button away."""
    controller = notice.controller
    assert controller is not None
    return t(
        lang, f"notice.summary.{purpose}",
        controller=_in(controller.name, lang), purpose=_of(notice.purposes, purpose, lang),
    )
