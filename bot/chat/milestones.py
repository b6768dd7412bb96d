"""Managers log a completed centre (4.2.1 youth, 4.2.6 women) in chat (/asama): the
indicator, the centre, the completion date and an evidence note. The draft lives in the
conversation state; rights are checked again on every update, so a button gives none."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update

from bot import keyboards
from bot.callbacks import FLOW_SCREENS, Callback, pack
from bot.chat import corrections as chat_corrections
from bot.chat.conversation.turn import Turn
from bot.chat.staff import (
    cancel_row,
    cancel_step,
    centre_name,
    end_screen,
    local_today,
    parse_day,
    retire_buttons,
    staff_actor,
)
from services import entries, roles
from services.refusal import Refusal
from storage.models import Centre
from storage.repositories import centres as centre_store
from storage.repositories import entries as entry_store

SCREEN = FLOW_SCREENS["milestone"]
MAX_NOTE = 500
CALLBACK_PATTERN = r"^k:"


def _data(value: str) -> str:
    return pack("milestone", value)


async def allowed_centres(turn: Turn, actor: roles.Actor, code: str) -> list[Centre]:
    """Active centres of the indicator's type that this actor may log a milestone for."""
    kinds = entries.MILESTONES.get(code, ())
    return [
        c for c in await centre_store.active(turn.session)
        if c.type in kinds and roles.can(actor, "entry.milestone", c.id)
    ]


async def begin(turn: Turn, update: Update) -> None:
    """Offer only the indicators this actor may log a centre for; anyone else is refused."""
    actor = await staff_actor(turn)
    if actor is None:
        return
    codes = [code for code in entries.MILESTONES if await allowed_centres(turn, actor, code)]
    if not codes:
        turn.send(turn.text("staff.refused"))
        return
    turn.state["screen"] = SCREEN
    turn.state["draft"] = {"step": "code"}
    buttons = [[(turn.text(f"entries.milestone.code.{code}"), _data(f"i.{code}"))] for code in codes]
    turn.send(turn.text("entries.milestone.indicator"), keyboards.rows(*buttons, cancel_row(turn, "milestone")), live=True)


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    """A press counts only for the current step, and the centre is checked again against the rights."""
    field, _, value = callback.value.partition(".")
    if field == "cancel":
        cancel_step(turn, update, "milestone")
        return
    actor = await staff_actor(turn)
    if actor is None:
        return
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    expected = {"code": "i", "centre": "c", "date": "today"}.get(draft.get("step", ""))
    if turn.state.get("screen") != SCREEN or field != expected:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    if field == "i":
        await _chose_code(turn, update, actor, draft, value)
    elif field == "c":
        await _chose_centre(turn, update, actor, draft, value)
    else:
        turn.toast()
        retire_buttons(turn, update)
        _set_date(turn, draft, local_today(turn))


async def _chose_code(turn: Turn, update: Update, actor: roles.Actor, draft: dict[str, Any], code: str) -> None:
    centres = await allowed_centres(turn, actor, code)
    if not centres:
        turn.toast(turn.text("staff.refused"))
        return
    turn.toast()
    retire_buttons(turn, update)
    draft["code"], draft["step"] = code, "centre"
    turn.state["draft"] = draft
    buttons = [[(centre_name(c, turn.lang), _data(f"c.{c.id}"))] for c in centres]
    turn.send(turn.text("entries.milestone.centre"), keyboards.rows(*buttons, cancel_row(turn, "milestone")), live=True)


async def _chose_centre(turn: Turn, update: Update, actor: roles.Actor, draft: dict[str, Any], centre_id: str) -> None:
    if centre_id not in {c.id for c in await allowed_centres(turn, actor, draft.get("code", ""))}:
        turn.toast(turn.text("staff.refused"))
        return
    turn.toast()
    retire_buttons(turn, update)
    draft["centre_id"], draft["step"] = centre_id, "date"
    turn.state["draft"] = draft
    _ask_date(turn)


def _ask_date(turn: Turn) -> None:
    """Asked again after a bad date, so the Today button is always at hand."""
    today = [(turn.text("entries.button.today"), _data("today"))]
    turn.send(turn.text("entries.milestone.date"), keyboards.rows(today, cancel_row(turn, "milestone")), live=True)


def _set_date(turn: Turn, draft: dict[str, Any], completed_on: date) -> None:
    draft["completed_on"], draft["step"] = completed_on.isoformat(), "note"
    turn.state["draft"] = draft
    turn.send(turn.text("entries.milestone.note", limit=MAX_NOTE), keyboards.rows(cancel_row(turn, "milestone")))


async def on_text(turn: Turn, text: str) -> None:
    """The typed date or note; a bad one is said plainly and the same question stays open."""
    actor = await staff_actor(turn)
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    if actor is None:
        end_screen(turn)
        return
    step = draft.get("step")
    if step == "date":
        completed_on = parse_day(text)
        if completed_on is None or completed_on > local_today(turn):
            key = "entries.milestone.error.date" if completed_on is None else "entries.error.future"
            turn.send(turn.text(key))
            _ask_date(turn)
            return
        _set_date(turn, draft, completed_on)
    elif step == "note":
        note = text.strip()
        if not note or len(note) > MAX_NOTE:
            turn.send(turn.text("entries.error.note") if not note else turn.text("entries.error.long", limit=MAX_NOTE))
            return
        await _save(turn, actor, draft, note)
    else:
        turn.send(turn.text("survey.use_buttons"))


async def _save(turn: Turn, actor: roles.Actor, draft: dict[str, Any], note: str) -> None:
    """Add the entry; a refusal is said plainly and the step ends (nothing was written)."""
    completed_on = date.fromisoformat(draft["completed_on"])
    try:
        entry = await entries.add_milestone(
            turn.session, actor, code=draft["code"], centre_id=draft["centre_id"], completed_on=completed_on,
            note=note, now=turn.now, today=local_today(turn),
        )
    except roles.Refused:
        turn.send(turn.text("staff.refused"))
    except Refusal as error:
        if error.reason == "future":
            turn.send(turn.text("entries.error.future"))
            draft["step"] = "date"
            turn.state["draft"] = draft
            _ask_date(turn)
            return
        await _refused(turn, draft, error)
    else:
        centre = await turn.session.get(Centre, entry.centre_id)
        turn.send(turn.text(
            "entries.milestone.done", id=entry.id, code=entry.indicator_code, centre=centre_name(centre, turn.lang),
            date=entry.occurred_on.strftime("%d.%m.%Y"),
        ))
    end_screen(turn)


async def _refused(turn: Turn, draft: dict[str, Any], error: Refusal) -> None:
    """A milestone already logged for the centre is shown, with a way to correct it."""
    existing = None
    if error.reason == "duplicate":
        existing = await entry_store.effective_milestone(turn.session, draft["code"], draft["centre_id"])
    if existing is None:
        turn.send(turn.text(f"entries.error.{error.reason}"))
        return
    centre = await turn.session.get(Centre, existing.centre_id)
    turn.send(
        turn.text(
            "entries.milestone.exists", id=existing.id, centre=centre_name(centre, turn.lang),
            date=existing.occurred_on.strftime("%d.%m.%Y"),
        ),
        keyboards.rows(chat_corrections.button_row(turn, existing.id)),
    )
