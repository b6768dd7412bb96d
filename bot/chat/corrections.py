"""Managers correct an entry in chat (/duzelt ID): the right quantity (0 withdraws it) and a
reason. The correction is a new row that replaces the old one in the figures; nothing is
overwritten. Rights are checked when asking and again when saving."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot import keyboards
from bot.callbacks import FLOW_SCREENS, Callback, pack
from bot.chat.conversation.turn import Turn
from bot.chat.staff import (
    cancel_row,
    cancel_step,
    centre_name,
    end_screen,
    local_today,
    retire_buttons,
    staff_actor,
)
from services import entries, roles
from services.refusal import Refusal
from storage.models import Centre, IndicatorEntry
from storage.repositories import entries as entry_store

SCREEN = FLOW_SCREENS["correction"]
MAX_REASON = 500
CALLBACK_PATTERN = r"^z:"


def button_row(turn: Turn, entry_id: int) -> list[tuple[str, str]]:
    """The button that starts a correction of this entry (rights are checked when pressed)."""
    return [(turn.text("entries.button.correct"), pack("correction", f"fix.{entry_id}"))]


def parse_quantity(text: str) -> int | None:
    """1 (keep the entry, e.g. with a new date) or 0 (withdraw it); None for anything else.
    Every entry counts one student or one centre, so no other quantity has a meaning."""
    typed = text.strip().replace(",", ".")
    return {"0": 0, "0.0": 0, "1": 1, "1.0": 1}.get(typed)


def _is_id(text: str) -> bool:
    """An entry id as typed or carried by a button: ASCII digits that fit a database integer."""
    return text.isascii() and text.isdigit() and len(text) <= 18


async def begin(turn: Turn, update: Update) -> None:
    """/duzelt ID: the id is typed, since entries are listed by the CLI and named in replies."""
    actor = await staff_actor(turn)
    if actor is None:
        return
    parts = (update.message.text if update.message and update.message.text else "").split()
    if len(parts) != 2 or not _is_id(parts[1]):
        turn.send(turn.text("entries.correct.usage"))
        return
    await _ask_quantity(turn, actor, int(parts[1]))


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    """The button under a refused milestone; it carries an id, never a right."""
    verb, _, value = callback.value.partition(".")
    if verb == "fix-cancel":
        cancel_step(turn, update, "correction")
        return
    actor = await staff_actor(turn)
    if actor is None:
        return
    if verb != "fix" or not _is_id(value):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    retire_buttons(turn, update)
    await _ask_quantity(turn, actor, int(value))


async def _ask_quantity(turn: Turn, actor: roles.Actor, entry_id: int) -> None:
    """Show the entry and ask for the right quantity, if this actor may correct it now."""
    entry = await turn.session.get(IndicatorEntry, entry_id)
    if entry is None:
        turn.send(turn.text("entries.error.unknown"))
        return
    if not roles.can(actor, "entry.correct", entry.centre_id):
        turn.send(turn.text("staff.refused"))
        return
    newer = await entry_store.corrected_by(turn.session, entry.id)
    if newer is not None:
        turn.send(turn.text("entries.error.already_corrected") + "\n" + turn.text("entries.correct.latest", id=newer.id))
        return
    turn.state["screen"] = SCREEN
    turn.state["draft"] = {"step": "quantity", "entry_id": entry.id}
    turn.send(await describe(turn, entry) + "\n\n" + turn.text("entries.correct.quantity"), keyboards.rows(cancel_row(turn, "correction", "fix-cancel")))


async def describe(turn: Turn, entry: IndicatorEntry) -> str:
    """The entry as it stands, so the manager sees what they are replacing."""
    centre = await turn.session.get(Centre, entry.centre_id) if entry.centre_id else None
    return turn.text(
        "entries.correct.show", id=entry.id, code=entry.indicator_code, centre=centre_name(centre, turn.lang),
        date=entry.occurred_on.strftime("%d.%m.%Y"), quantity=f"{entry.quantity:g}",
    )


async def on_text(turn: Turn, text: str) -> None:
    """The quantity, then the reason; a bad answer is said plainly and asked again."""
    actor = await staff_actor(turn)
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    if actor is None or "entry_id" not in draft:
        end_screen(turn)
        return
    if draft.get("step") == "quantity":
        quantity = parse_quantity(text)
        if quantity is None:
            turn.send(turn.text("entries.correct.error.quantity"))
            return
        draft["quantity"], draft["step"] = quantity, "reason"
        turn.state["draft"] = draft
        turn.send(turn.text("entries.correct.reason", limit=MAX_REASON), keyboards.rows(cancel_row(turn, "correction", "fix-cancel")))
        return
    reason = text.strip()
    if not reason or len(reason) > MAX_REASON:
        turn.send(turn.text("entries.error.reason") if not reason else turn.text("entries.error.long", limit=MAX_REASON))
        return
    await _save(turn, actor, draft, reason)


async def _save(turn: Turn, actor: roles.Actor, draft: dict[str, Any], reason: str) -> None:
    """Add the correcting row; a refusal is said plainly and the step ends (nothing was written)."""
    try:
        entry = await entries.correct(
            turn.session, actor, entry_id=draft["entry_id"], quantity=draft["quantity"], occurred_on=None, note=None,
            reason=reason, now=turn.now, today=local_today(turn),
        )
    except roles.Refused:
        turn.send(turn.text("staff.refused"))
    except Refusal as error:
        turn.send(turn.text(f"entries.error.{error.reason}"))
    else:
        turn.send(turn.text("entries.correct.done", id=entry.id, old=draft["entry_id"], quantity=f"{entry.quantity:g}"))
    end_screen(turn)
