"""A survey in chat: one question per message, answers edited in place, the engine decides.

The engine state is stored after every input: in the conversation, or for an anonymous survey
in the person's draft, which the turn moves into as the survey begins (bot/chat/conversation/drafts.py).

The last answer saves the response. If the database refuses it (a constraint, a centre gone
from the centres table, any statement error), only that save is rolled back: the completed
state, every answer in it, stays where the survey ran, the person is told so plainly with a
button to send it again, and their next input, that button or /start, tries the save again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardMarkup, User

from bot import keyboards
from bot.callbacks import Callback, pack
from bot.chat.conversation import drafts
from bot.chat.conversation.turn import Turn
from bot.consent import health, purposes
from bot.error_log import log_failure
from storage.pseudonyms import respondent_key
from storage.repositories import invitations as invitation_store
from storage.repositories import participation
from storage.repositories import surveys as survey_store
from surveys import engine
from surveys.definition import (
    MultipleQuestion,
    NoteQuestion,
    NumberQuestion,
    SurveyDefinition,
    TextQuestion,
)
from surveys.labels import label
from surveys.periods import period_of

log = logging.getLogger(__name__)

# Shown instead of a long free-text answer when the question message is edited.
SUMMARY_CHARS = 200
# The button under "your answers could not be saved".
SEND_AGAIN = "send"


def offer(turn: Turn) -> None:
    """List the open surveys by their titles. A sensitive survey is reached only by its neutral
    link: a list on a shared phone must not show that it exists."""
    available = sorted((d for d in turn.services.surveys.values() if not d.sensitive), key=lambda d: d.id)
    if not available:
        turn.state["screen"] = "idle"
        turn.send(turn.text("survey.none"))
        return
    turn.state["screen"] = "choose"
    buttons = keyboards.rows(*([(label(d.title, turn.lang), pack("survey", d.id))] for d in available))
    turn.send(turn.text("survey.choose"), buttons, live=True)


def _period(turn: Turn, defn: SurveyDefinition) -> str:
    return period_of(defn.period, turn.now.astimezone(turn.services.zone).date())


def _anonymous(defn: SurveyDefinition) -> bool:
    return defn.anonymity == "anonymous"


async def begin(turn: Turn, survey_id: str, centre: str | None) -> None:
    defn = turn.services.surveys.get(survey_id)
    if defn is None:
        turn.send(turn.text("survey.unknown_link"))
        offer(turn)
        return
    if _anonymous(defn):
        await drafts.enter(turn, defn.id)
    if await participation.answered(turn.session, turn.services.secret, defn.id, defn.anonymity, _period(turn, defn), turn.user_id):
        turn.state["screen"] = "idle"
        turn.send(turn.text("survey.already"))
        return
    prefill = {defn.centre_question: centre} if centre and defn.centre_question else None
    step = engine.start(defn, prefill)
    turn.state["screen"] = "survey"
    turn.state["survey"] = step.state.to_json()
    if not _anonymous(defn):
        await _mark_invitation(turn, defn.id, _period(turn, defn), "started")
    turn.send(label(defn.intro, turn.lang), quiet=defn.sensitive)
    _show_question(turn, defn, step.state)


async def _definition(turn: Turn, survey_id: str, version: int) -> SurveyDefinition:
    """The definition the session was started with, even after a newer version shipped."""
    current = turn.services.surveys.get(survey_id)
    if current is not None and current.version == version:
        return current
    stored = await survey_store.get_definition(turn.session, survey_id, version)
    if stored is None:
        raise engine.EngineError(f"survey {survey_id!r} version {version} is not stored")
    return SurveyDefinition.model_validate(stored.definition)


async def _load(turn: Turn) -> tuple[SurveyDefinition, engine.SessionState]:
    state = engine.SessionState.from_json(turn.state["survey"])
    return await _definition(turn, state.survey_id, state.version), state


async def resume(turn: Turn) -> None:
    """/start in a survey: where the person left off, or the answers they finished sent again."""
    defn, state = await _load(turn)
    if state.status == "active":
        turn.send(turn.text("survey.resume"))
    await _current(turn, defn, state)


async def ask_current(turn: Turn) -> None:
    """Show the current question again as a new message (after /start, /language, a restart);
    a finished survey whose save failed is sent again."""
    defn, state = await _load(turn)
    await _current(turn, defn, state)


async def _current(turn: Turn, defn: SurveyDefinition, state: engine.SessionState) -> None:
    _retire_active(turn, None)
    if state.status == "completed":
        await _finish(turn, defn, engine.completion(defn, state))
    else:
        _show_question(turn, defn, state)


def _retire_active(turn: Turn, text: str | None) -> None:
    """Take the buttons off the live message, optionally replacing its text."""
    active = turn.state.pop("active", None)
    if active is None:
        return
    if text is None:
        turn.edit_keyboard(active, None)
    else:
        turn.edit(active, text)


def _question_text(turn: Turn, defn: SurveyDefinition, state: engine.SessionState) -> str:
    question = engine.question(defn, state.current or "")
    index, total = engine.progress(defn, state)
    lines = [turn.text("survey.progress", index=index, total=total), "", label(question.label, turn.lang)]
    if question.hint is not None:
        lines.append(label(question.hint, turn.lang))
    if isinstance(question, NumberQuestion):
        if question.min is not None and question.max is not None:
            lines.append(turn.text("survey.type_number", min=_number(question.min), max=_number(question.max)))
        else:
            lines.append(turn.text("survey.type_a_number"))
    elif isinstance(question, TextQuestion):
        lines.append(turn.text("survey.type_text", max_length=question.max_length))
    elif isinstance(question, MultipleQuestion):
        lines.append(turn.text("survey.choose_many"))
    if question.id in state.answers and not isinstance(question, MultipleQuestion):
        lines.append(turn.text("survey.your_answer", answer=_shown(turn, defn, question.id, state.answers[question.id])))
    return "\n".join(lines)


def _keyboard(turn: Turn, defn: SurveyDefinition, state: engine.SessionState) -> InlineKeyboardMarkup:
    question = engine.question(defn, state.current or "")
    options = engine.choices(defn, question.id, turn.lang)
    option_rows: list[list[tuple[str, str]]]
    if isinstance(question, MultipleQuestion):
        option_rows = [[(("☑ " if value in state.pending else "☐ ") + text, pack("toggle", value))] for value, text in options]
        option_rows.append([(turn.text("button.submit"), pack("navigate", "submit"))])
    else:
        option_rows = [[(text, pack("answer", value))] for value, text in options]
    if isinstance(question, NoteQuestion):
        option_rows.append([(turn.text("button.next"), pack("navigate", "next"))])
    navigation = []
    if state.path:
        navigation.append((turn.text("button.back"), pack("navigate", "back")))
    if not isinstance(question, NoteQuestion) and not question.required:
        navigation.append((turn.text("button.skip"), pack("navigate", "skip")))
    return keyboards.rows(*option_rows, navigation)


def _show_question(turn: Turn, defn: SurveyDefinition, state: engine.SessionState) -> None:
    turn.send(_question_text(turn, defn, state), _keyboard(turn, defn, state), live=True, quiet=defn.sensitive)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _shown(turn: Turn, defn: SurveyDefinition, qid: str, value: object) -> str:
    names = dict(engine.choices(defn, qid, turn.lang))
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value)
    text = names.get(str(value), _number(value) if isinstance(value, int | float) else str(value))
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


def own_names(user: User | None) -> tuple[str, ...]:
    """What Telegram shows of the person: first, last and user name."""
    if user is None:
        return ()
    return tuple(name for name in (user.first_name, user.last_name, user.username) if name)


def input_for(callback: Callback) -> engine.Input | None:
    if callback.kind == "answer":
        return engine.Choose(callback.value)
    if callback.kind == "toggle":
        return engine.Toggle(callback.value)
    navigation: dict[str, engine.Input] = {
        "submit": engine.Submit(), "back": engine.Back(), "skip": engine.Skip(), "next": engine.Next(),
        SEND_AGAIN: engine.Submit(),  # a finished survey takes any input as the next try to save it
    }
    return navigation.get(callback.value) if callback.kind == "navigate" else None


async def apply(turn: Turn, given: engine.Input, *, by_button: bool, names: Sequence[str] = ()) -> None:
    """Feed one input to the engine and turn its events into messages; `names` are the
    person's own names, which an anonymous answer does not keep."""
    defn, before = await _load(turn)
    if before.status == "completed":  # its save failed: this is the next try
        await _current(turn, defn, before)
        return
    if (
        isinstance(given, engine.Choose)
        and health.is_health_answer(defn, before.current, given.value)
        and not purposes.given(turn.citizen, purposes.HEALTH)
    ):
        _ask_health_consent(turn, given.value)
        return
    step = engine.resume(defn, before, given, names=names)
    question_label = label(engine.question(defn, before.current).label, turn.lang) if before.current else ""
    for event in step.events:
        if isinstance(event, engine.Rejected):
            key = "survey.use_buttons" if event.reason == "wrong_input" else f"rejected.{event.reason}"
            message = turn.text(key, **{k: _number(v) if isinstance(v, float) else v for k, v in event.params.items()})
            if by_button:
                turn.toast(message)
            else:
                turn.send(message, quiet=defn.sensitive)
        elif isinstance(event, engine.Redacted):
            # Contact details first: that message also says whom to call in an emergency.
            key = "survey.redacted" if "contact" in event.removed else "survey.redacted_name"
            turn.send(turn.text(key), quiet=defn.sensitive)
        elif isinstance(event, engine.Ask):
            if event.question_id == before.current and isinstance(given, engine.Toggle):
                turn.toast()
                turn.edit_keyboard(turn.state["active"], _keyboard(turn, defn, step.state))
                continue
            _retire_active(turn, _summary(turn, defn, before, step.state, given, question_label))
            _show_question(turn, defn, step.state)
        elif isinstance(event, engine.Completed):
            _retire_active(turn, _summary(turn, defn, before, step.state, given, question_label))
            if not event.eligible:
                _not_eligible(turn, defn)
                return
            turn.state["survey"] = step.state.to_json()
            await _finish(turn, defn, event)
            return
    turn.state["survey"] = step.state.to_json()


def _summary(
    turn: Turn, defn: SurveyDefinition, before: engine.SessionState, after: engine.SessionState,
    given: engine.Input, question_label: str,
) -> str:
    """What the answered question's message becomes: the question and the choice made."""
    if isinstance(given, engine.Back):
        return question_label
    if isinstance(given, engine.Skip):
        return f"{question_label}\n{turn.text('survey.skipped')}"
    qid = before.current or ""
    if qid in after.answers:
        return f"{question_label}\n{turn.text('survey.your_answer', answer=_shown(turn, defn, qid, after.answers[qid]))}"
    return question_label


async def _finish(turn: Turn, defn: SurveyDefinition, completed: engine.Completed) -> None:
    """Save the response; if the database refuses it, the completed state stays for the next try."""
    new = _response(turn, defn, completed)
    try:
        saved = await _save(turn, defn, new)
    except SQLAlchemyError as error:
        log_failure(log, "update %s: a finished survey could not be saved; its answers wait for the next try",
                    turn.update_id, error=error)
        turn.send(
            turn.text("survey.not_saved"), keyboards.rows([(turn.text("button.send_again"), pack("navigate", SEND_AGAIN))]),
            live=True, quiet=defn.sensitive,
        )
        return
    turn.state.pop("survey", None)
    turn.state["screen"] = "idle"
    if not saved:
        turn.send(turn.text("survey.already"))
        return
    turn.send(label(defn.closing, turn.lang), quiet=defn.sensitive)
    if defn.sensitive:
        # The chat list shows the last message: keep it neutral, with a way to clear the chat.
        turn.send(turn.text("survey.thanks"), keyboards.clear_chat(turn.lang), quiet=True, live=True)


def _response(turn: Turn, defn: SurveyDefinition, completed: engine.Completed) -> survey_store.NewResponse:
    period = _period(turn, defn)
    answers = completed.answers
    centre = answers.get(defn.centre_question) if defn.centre_question else None
    role = answers.get(defn.role_question) if defn.role_question else None
    anonymous = _anonymous(defn)
    return survey_store.NewResponse(
        survey_id=defn.id,
        survey_version=defn.version,
        period=period,
        respondent_key=drafts.random_respondent_key() if anonymous else respondent_key(turn.services.secret, defn.id, turn.user_id),
        language=turn.lang,
        completed_on=turn.now.astimezone(turn.services.zone).date(),
        completed_at=None if anonymous else turn.now,
        answers=dict(answers),
        centre_id=str(centre) if centre is not None else None,
        respondent_role=str(role) if role is not None else None,
        satisfied=completed.satisfied,
        score=completed.score,
    )


def _not_eligible(turn: Turn, defn: SurveyDefinition) -> None:
    """The person is not whom the survey is for: thank them and keep nothing, so their answer
    is in no response and no indicator, and they may take the survey later if that changes."""
    assert defn.eligibility is not None
    turn.state.pop("survey", None)
    turn.state["screen"] = "idle"
    turn.send(label(defn.eligibility.closing, turn.lang), quiet=defn.sensitive)
    if defn.sensitive:
        turn.send(turn.text("survey.thanks"), keyboards.clear_chat(turn.lang), quiet=True, live=True)


async def _save(turn: Turn, defn: SurveyDefinition, new: survey_store.NewResponse) -> bool:
    """False when the person already completed the survey this period. An anonymous response
    leaves this turn in the draft; the pending pool gets it in a transaction of its own.

    A savepoint of its own: a refused save is undone alone, and the turn still keeps the answers."""
    async with turn.session.begin_nested():
        if _anonymous(defn):
            return await drafts.complete(turn, defn, new)
        try:
            await survey_store.save_response(turn.session, new)
        except survey_store.AlreadyAnswered:
            return False
        await _mark_invitation(turn, defn.id, new.period, "completed")
        return True


async def _mark_invitation(turn: Turn, survey_id: str, period: str, step: str) -> None:
    """How far an invitation led, for the response rates; identified surveys only."""
    await invitation_store.mark(
        turn.session, survey_id=survey_id, period=period, telegram_user_id=turn.user_id, step=step,
        today=turn.now.astimezone(turn.services.zone).date(),
    )


async def on_button(turn: Turn, callback: Callback, message_id: int | None) -> None:
    if callback.kind == "health":
        await on_health_consent(turn, callback, message_id)
        return
    if callback.kind == "survey":
        if turn.state.get("screen") != "choose" or message_id != turn.state.get("active"):
            turn.toast(turn.text("unexpected.stale_button"))
            return
        turn.toast()
        _retire_active(turn, None)
        await begin(turn, callback.value, None)
        return
    given = input_for(callback)
    if turn.state.get("screen") != "survey" or given is None or message_id != turn.state.get("active"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    await apply(turn, given, by_button=True)


def _ask_health_consent(turn: Turn, value: str) -> None:
    """Before a health answer is taken: its own explicit consent, the answer carried in the
    button, nothing stored."""
    turn.toast()
    _retire_active(turn, None)
    turn.send(
        turn.text("health.ask"),
        keyboards.rows(
            [(turn.text("button.consent.yes"), pack("health", f"yes.{value}"))],
            [(turn.text("button.consent.no"), pack("health", "no"))],
        ),
        live=True,
    )


async def on_health_consent(turn: Turn, callback: Callback, message_id: int | None) -> None:
    answer, _, value = callback.value.partition(".")
    if turn.state.get("screen") != "survey" or message_id is None or message_id != turn.state.get("active"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.state.pop("active", None)
    if answer == "yes" and value:
        purposes.record(turn.ensure_citizen(), purposes.HEALTH, turn.now)
        turn.edit(message_id, f"{turn.text('health.ask')}\n\n✔ {turn.text('button.consent.yes')}")
        await apply(turn, engine.Choose(value), by_button=True)
        return
    turn.toast()
    turn.edit(message_id, f"{turn.text('health.ask')}\n\n✖ {turn.text('button.consent.no')}")
    turn.state.pop("survey", None)
    turn.state["screen"] = "idle"
    turn.send(turn.text("health.declined"))


async def cancel(turn: Turn) -> None:
    if turn.state.get("screen") != "survey":
        turn.send(turn.text("cancel.nothing"))
        return
    _retire_active(turn, None)
    turn.state.pop("survey", None)
    turn.state["screen"] = "idle"
    turn.send(turn.text("cancel.done"))
