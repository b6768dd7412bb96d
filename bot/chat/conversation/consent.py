"""Whether the person has consented to a purpose, and asking them: what every citizen flow
checks before it records anything about the person (docs/privacy.md, bot/consent/)."""

from __future__ import annotations

from bot import keyboards
from bot.callbacks import fits, pack
from bot.chat.conversation import drafts
from bot.chat.conversation.turn import Turn
from bot.consent import notice, purposes

CONSENT_VERSION = purposes.VERSION
# What is carried for an event the person wanted to register for ("e.<id>"); deep-link
# payloads never hold a dot, so the two cannot be confused.
EVENT = purposes.EVENT_TARGET


def has_consent(turn: Turn, purpose: str = purposes.SURVEY) -> bool:
    """Given on the person's profile for `purpose`, or (surveys only) inside the anonymous
    survey's draft, which keeps it for that survey, so taking it leaves no profile behind."""
    if purpose == purposes.SURVEY and drafts.active(turn) and turn.state.get("consent") == CONSENT_VERSION:
        return True
    return purposes.given(turn.citizen, purpose)


def has_any_consent(turn: Turn) -> bool:
    return has_consent(turn) or purposes.any_given(turn.citizen)


def carried(target: str | None) -> str | None:
    """`target` if it fits in the consent buttons beside the answer and the language."""
    return target if target and fits("consent", f"yes.xx.{target}") else None


def ask(turn: Turn, target: str | None = None) -> None:
    """Before consent: the language first (unless known), then the notice and the consent."""
    if turn.citizen is None or turn.citizen.language is None:
        turn.send(turn.text("language.choose"), keyboards.languages(carried(target)))
        return
    ask_consent(turn, target)


def ask_consent(turn: Turn, target: str | None) -> None:
    """The short notice for this purpose, one button from the full text, then the question."""
    purpose = purposes.purpose_of(target)
    summary = notice.summary(turn.services.settings.resolved_notice(), purpose, turn.lang)
    turn.send(summary, keyboards.rows([(turn.text("button.notice.full"), pack("notice", turn.lang))]))
    turn.send(turn.text(f"consent.ask.{purpose}"), keyboards.consent(turn.lang, carried(target)))


def show_full_notice(turn: Turn, lang: str | None = None) -> None:
    """The whole notice, in as many messages as Telegram needs; nothing is stored for it."""
    full = notice.full_text(turn.services.settings.resolved_notice(), lang or turn.lang)
    for piece in notice.in_messages(full):
        turn.send(piece)
