"""Whether the person has consented, and asking them: what every citizen flow checks before
it records anything about the person (docs/privacy.md)."""

from __future__ import annotations

from bot import keyboards
from bot.callbacks import fits
from bot.chat.conversation import drafts
from bot.chat.conversation.turn import Turn

# Bump when the notice or consent text changes in substance: everyone is asked again.
CONSENT_VERSION = "2026-11"
# What is carried for an event the person wanted to register for ("e.<id>"); deep-link
# payloads never hold a dot, so the two cannot be confused.
EVENT = "e."


def has_consent(turn: Turn) -> bool:
    """Given on the person's profile, or inside the anonymous survey's draft (which keeps it
    for that survey only, so taking it leaves no profile behind)."""
    if drafts.active(turn) and turn.state.get("consent") == CONSENT_VERSION:
        return True
    return turn.citizen is not None and turn.citizen.consent_version == CONSENT_VERSION


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
    turn.send(turn.text("notice.text"))
    turn.send(turn.text("consent.ask"), keyboards.consent(turn.lang, carried(target)))
