"""First contact: language, the KVKK notice and a separate explicit consent, then a survey."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback
from bot.conversation import survey
from bot.conversation.deep_links import parse_payload
from bot.conversation.turn import Turn
from bot.i18n import LANGUAGES
from bot.staff import links as staff_links
from storage.repositories import citizens

# Bump when the notice or consent text changes in substance: everyone is asked again.
CONSENT_VERSION = "2026-11"


def has_consent(turn: Turn) -> bool:
    return turn.citizen is not None and turn.citizen.consent_version == CONSENT_VERSION


async def start(turn: Turn, payload: str | None, update: Update | None = None) -> None:
    """/start, with or without a deep link; an active survey is resumed, never restarted."""
    if turn.state.get("screen") == "survey":
        turn.send(turn.text("survey.resume"))
        await survey.ask_current(turn)
        return
    if update is not None and staff_links.handles(payload):
        if staff_links.for_citizens(payload) and not has_consent(turn):  # type: ignore[arg-type]
            # A QR code at an event or a membership poster, scanned before consent: the notice
            # and consent come first, then the link is followed without scanning it again.
            turn.state["next"] = {"link": payload}
            await proceed(turn, update)
            return
        await staff_links.open_link(turn, update, payload)  # type: ignore[arg-type]
        return
    if payload:
        target = parse_payload(payload, turn.services.surveys)
        if target is None:
            turn.send(turn.text("survey.unknown_link"))
            target = None
        turn.state["next"] = {"survey": target.survey, "centre": target.centre} if target else {}
    await proceed(turn, update)


async def show_current_step(turn: Turn, update: Update) -> None:
    """A button pressed while the newest buttons were never recorded as shown (a crash, or
    Telegram failed them): it cannot be told from an older one, so the current step is shown
    again, as /start shows it."""
    turn.toast()
    await start(turn, None, update)


async def proceed(turn: Turn, update: Update | None = None) -> None:
    """Take the person to the first step they have not done yet."""
    if "lang" not in turn.state and (turn.citizen is None or turn.citizen.language is None):
        turn.state["screen"] = "language"
        turn.send(turn.text("language.choose"), keyboards.languages(), live=True)
        return
    turn.state.setdefault("lang", turn.lang)
    if not has_consent(turn):
        turn.state["screen"] = "consent"
        turn.send(turn.text("notice.text"))
        turn.send(turn.text("consent.ask"), keyboards.consent(turn.lang), live=True)
        return
    target = turn.state.pop("next", None) or {}
    if update is not None and staff_links.resumes(target):
        await staff_links.resume(turn, update, target)
    elif target.get("survey"):
        await survey.begin(turn, target["survey"], target.get("centre"))
    else:
        survey.offer(turn)


async def choose_language(turn: Turn, callback: Callback, update: Update) -> None:
    if callback.value not in LANGUAGES:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    message = update.callback_query.message if update.callback_query else None
    turn.state["lang"] = callback.value
    if turn.citizen is not None:
        turn.citizen.language = callback.value
    turn.toast()
    if message is not None:
        turn.edit(message.message_id, turn.text("language.saved"))
    if turn.state.get("screen") == "survey":
        await survey.ask_current(turn)
    elif turn.state.get("screen") in (None, "language", "consent", "idle", "choose"):
        await proceed(turn, update)


def language_menu(turn: Turn) -> None:
    """/language: the choice is applied wherever the person is."""
    turn.send(turn.text("language.choose"), keyboards.languages(), live=True)
    if turn.state.get("screen") != "survey":
        turn.state["screen"] = "language"


async def answer_consent(turn: Turn, callback: Callback, update: Update) -> None:
    message_id = update.callback_query.message.message_id if update.callback_query and update.callback_query.message else None
    if callback.value == "no":
        turn.toast()
        if message_id is not None:
            turn.edit(message_id, turn.text("consent.ask"))
        turn.send(turn.text("consent.declined"))
        await citizens.erase(turn.session, turn.key, [])
        turn.erased = True
        return
    if callback.value != "yes":
        turn.toast(turn.text("unexpected.stale_button"))
        return
    citizen = turn.ensure_citizen()
    citizen.consent_version = CONSENT_VERSION
    citizen.consent_at = turn.now
    citizen.language = turn.lang
    turn.toast(turn.text("consent.given"))
    if message_id is not None:
        turn.edit(message_id, f"{turn.text('consent.ask')}\n\n✔ {turn.text('button.consent.yes')}")
    await proceed(turn, update)
