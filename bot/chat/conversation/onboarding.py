"""First contact: language, the KVKK notice and a separate explicit consent for the purpose
the person came for (a survey, an event, a membership: `bot.consent.purposes`), then that.

Nothing is stored before consent (docs/privacy.md): the chosen language and what the person
opened (a deep link, an event they wanted to register for) travel in the buttons of the
language and consent screens, and only the ids of the messages shown are kept, for minutes,
as a chat trail (`bot.chat.conversation.shown`) so the chat can still be cleared. Declining clears
the chat and keeps nothing at all.

Consent given on the way to an anonymous survey (its neutral link) is kept in that survey's
draft (`bot.chat.conversation.drafts`), not on a profile: taking part leaves no identified row.
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback
from bot.chat import citizen_events as chat_citizen_events
from bot.chat import links as staff_links
from bot.chat.conversation import drafts, privacy, survey
from bot.chat.conversation.consent import (
    CONSENT_VERSION,
    EVENT,
    ask,
    ask_consent,
    has_any_consent,
    has_consent,
)
from bot.chat.conversation.deep_links import parse_payload
from bot.chat.conversation.turn import Turn
from bot.consent import purposes
from bot.i18n import LANGUAGES
from services.attendance import CHECKIN_PREFIX


def _anonymous_target(turn: Turn, target: str | None) -> str | None:
    """The anonymous survey a deep link leads to, if it leads to one."""
    found = parse_payload(target, turn.services.surveys) if target else None
    if found is not None and turn.services.surveys[found.survey].anonymity == "anonymous":
        return found.survey
    return None


async def start(turn: Turn, payload: str | None, update: Update | None = None) -> None:
    """/start, with or without a deep link; an active survey is resumed, never restarted."""
    if turn.state.get("screen") == "survey":
        await survey.resume(turn)
        return
    if update is not None and staff_links.handles(payload):
        if staff_links.for_citizens(payload) and not has_consent(turn, purposes.purpose_of(payload)):
            # A QR code at an event or a membership poster, scanned before consent: the notice
            # and consent come first, then the link is followed without scanning it again. A
            # check-in code must be current when scanned, not only once consent is given.
            if not (payload.startswith(CHECKIN_PREFIX) and chat_citizen_events.refused_code(turn, payload)):
                ask(turn, payload)
            return
        await staff_links.open_link(turn, update, payload)
        return
    if payload and parse_payload(payload, turn.services.surveys) is None:
        turn.send(turn.text("survey.unknown_link"))
        payload = None
    anonymous = _anonymous_target(turn, payload)
    if anonymous is not None and not has_consent(turn) and await drafts.load(
        turn.session, turn.services.secret, turn.user_id, turn.now
    ) is not None:
        # Consent given in her earlier draft still holds for this survey: no need to ask again.
        await drafts.enter(turn, anonymous)
    if not has_consent(turn):
        ask(turn, payload)
        return
    await follow(turn, update, payload)


async def show_current_step(turn: Turn, update: Update) -> None:
    """A button pressed while the newest buttons were never recorded as shown (a crash, or
    Telegram failed them): it cannot be told from an older one, so the current step is shown
    again, as /start shows it."""
    turn.toast()
    await start(turn, None, update)


async def follow(turn: Turn, update: Update | None, target: str | None) -> None:
    """After consent: where the person was going, or the list of surveys."""
    if target and target.startswith(EVENT) and target[len(EVENT):].isdigit() and update is not None:
        # They tapped Register: with the consent given, the registration goes through.
        await chat_citizen_events.register(turn, update, int(target[len(EVENT):]))
    elif target and update is not None and staff_links.handles(target):
        await staff_links.open_link(turn, update, target)
    elif target and (found := parse_payload(target, turn.services.surveys)) is not None:
        await survey.begin(turn, found.survey, found.centre)
    else:
        survey.offer(turn)


async def choose_language(turn: Turn, callback: Callback, update: Update) -> None:
    lang, _, target = callback.value.partition(".")
    if lang not in LANGUAGES:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    message = update.callback_query.message if update.callback_query else None
    turn.toast()
    if not has_any_consent(turn):
        # Nothing is stored: the language rides on in the consent buttons.
        turn.language_guess = lang
        if turn.citizen is not None:
            turn.citizen.language = lang
        if message is not None:
            turn.edit(message.message_id, turn.text("language.saved"))
        ask_consent(turn, target or None)
        return
    turn.state["lang"] = lang
    if turn.citizen is not None and not drafts.active(turn):  # a draft keeps its own language
        turn.citizen.language = lang
    if message is not None:
        turn.edit(message.message_id, turn.text("language.saved"))
    if turn.state.get("screen") == "survey":
        await survey.ask_current(turn)
    elif turn.state.get("screen") in (None, "language", "idle", "choose") and has_consent(turn):
        survey.offer(turn)
    elif turn.state.get("screen") == "language":
        turn.state["screen"] = "idle"


def language_menu(turn: Turn) -> None:
    """/language: the choice is applied wherever the person is."""
    if not has_any_consent(turn):
        ask(turn)
        return
    turn.send(turn.text("language.choose"), keyboards.languages(), live=True)
    if turn.state.get("screen") != "survey":
        turn.state["screen"] = "language"


async def answer_consent(turn: Turn, callback: Callback, update: Update) -> None:
    answer, _, rest = callback.value.partition(".")
    lang, _, target = rest.partition(".")
    purpose = purposes.purpose_of(target or None)
    if has_consent(turn, purpose) or answer not in ("yes", "no") or (lang and lang not in LANGUAGES):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    if lang:
        turn.language_guess = lang
        if turn.citizen is not None:
            turn.citizen.language = lang
    query = update.callback_query
    if answer == "no":
        if has_any_consent(turn):
            # Other consents stand: only this purpose is refused, and nothing of it was kept.
            if query is not None and query.message is not None:
                turn.edit(query.message.message_id, turn.text(f"consent.ask.{purpose}"))
            turn.toast(turn.text("consent.declined_kept"), alert=True)
            return
        await decline(turn, update)
        return
    anonymous = _anonymous_target(turn, target or None)
    if anonymous is not None:
        # Consent on the way to the anonymous survey stays in its draft: no profile is made.
        lang = turn.lang
        await drafts.enter(turn, anonymous)
        turn.state["lang"] = lang
        turn.state["consent"] = CONSENT_VERSION
    else:
        citizen = turn.ensure_citizen()
        purposes.record(citizen, purpose, turn.now)
        citizen.language = turn.lang
    turn.toast(turn.text("consent.given"))
    if query is not None and query.message is not None:
        turn.edit(query.message.message_id, f"{turn.text(f'consent.ask.{purpose}')}\n\n✔ {turn.text('button.consent.yes')}")
    await follow(turn, update, target or None)


async def decline(turn: Turn, update: Update) -> None:
    """Declining clears the chat and keeps nothing; the answer shows as an alert, not a message,
    so nothing is left on screen either."""
    await privacy.clear_chat(turn, update)
    await privacy.erase(turn)
    turn.toast(turn.text("consent.declined"), alert=True)
