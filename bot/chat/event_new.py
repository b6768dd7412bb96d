"""Staff create an event step by step: type, centre, title, time, place, capacity, audience,
language, then publish. The draft lives in the conversation state, never in memory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot import keyboards
from bot.callbacks import FLOW_SCREENS, Callback, pack
from bot.chat.conversation.turn import Turn
from bot.chat.staff import (
    cancel_row,
    cancel_step,
    centre_name,
    end_screen,
    retire_buttons,
    staff_actor,
)
from bot.i18n import LANGUAGES
from services import events, roles
from services.refusal import Refusal
from storage.models import Centre

SCREEN = FLOW_SCREENS["event_new"]
MAX_TEXT = 200


async def begin(turn: Turn, update: Update) -> None:
    if await staff_actor(turn) is None:
        return
    turn.state["screen"] = SCREEN
    turn.state["draft"] = {"step": "type"}
    buttons = [[(turn.text(f"events.type.{name}"), pack("event_new", f"type.{name}"))] for name in events.EVENT_TYPES]
    turn.send(turn.text("events.new.type"), keyboards.rows(*buttons, cancel_row(turn, "event_new")), live=True)


async def _centres_for(turn: Turn, actor: roles.Actor, event_type: str) -> list[Centre]:
    rows = (await turn.session.execute(select(Centre).where(Centre.active.is_(True)).order_by(Centre.id))).scalars()
    return [c for c in rows if events.centre_fits(event_type, c.type) and roles.can(actor, "event.create", c.id)]


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    if callback.value == "cancel":
        cancel_step(turn, update, "event_new")
        return
    if turn.state.get("screen") != SCREEN:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    actor = await staff_actor(turn)
    if actor is None:
        end_screen(turn)
        return
    field, _, value = callback.value.partition(".")
    if field != draft.get("step") and not (field == "cap" and draft.get("step") == "capacity"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    retire_buttons(turn, update)
    if field == "type" and value in events.EVENT_TYPES:
        draft["type"] = value
        centres = await _centres_for(turn, actor, value)
        if not centres:
            end_screen(turn)
            turn.send(turn.text("events.new.no_centre"))
            return
        draft["step"] = "centre"
        buttons = [[(centre_name(c, turn.lang), pack("event_new", f"centre.{c.id}"))] for c in centres]
        turn.send(turn.text("events.new.centre"), keyboards.rows(*buttons, cancel_row(turn, "event_new")), live=True)
    elif field == "centre" and value in {c.id for c in await _centres_for(turn, actor, draft.get("type", ""))}:
        draft["centre_id"], draft["step"] = value, "title"
        turn.send(turn.text("events.new.title"), keyboards.rows(cancel_row(turn, "event_new")))
    elif field == "cap" and value == "none":
        draft["capacity"] = None
        _ask_audience(turn, draft)
    elif field == "audience" and value in events.AUDIENCES:
        draft["audience"], draft["step"] = value, "language"
        languages = [(turn.text(f"button.lang.{lang}"), pack("event_new", f"language.{lang}")) for lang in LANGUAGES]
        turn.send(turn.text("events.new.language"), keyboards.rows(languages, cancel_row(turn, "event_new")), live=True)
    elif field == "language" and value in LANGUAGES:
        draft["language"], draft["step"] = value, "confirm"
        turn.send(
            summary(turn, draft),
            keyboards.rows(
                [(turn.text("events.button.publish"), pack("event_new", "confirm.publish"))],
                [(turn.text("events.button.draft"), pack("event_new", "confirm.draft"))],
                cancel_row(turn, "event_new"),
            ),
            live=True,
        )
    elif field == "confirm" and value in ("publish", "draft"):
        await _save(turn, actor, draft, publish=value == "publish")
        return
    else:
        turn.send(turn.text("unexpected.stale_button"))
    turn.state["draft"] = draft


def _ask_audience(turn: Turn, draft: dict[str, Any]) -> None:
    draft["step"] = "audience"
    buttons = [[(turn.text(f"events.audience.{a}"), pack("event_new", f"audience.{a}"))] for a in events.AUDIENCES]
    turn.send(turn.text("events.new.audience"), keyboards.rows(*buttons, cancel_row(turn, "event_new")), live=True)


async def on_text(turn: Turn, text: str) -> None:
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    step = draft.get("step")
    if step == "title":
        if not text.strip() or len(text) > MAX_TEXT:
            turn.send(turn.text("events.error.text"))
            return
        draft["title"], draft["step"] = text.strip(), "when"
        turn.send(turn.text("events.new.when"))
    elif step == "when":
        starts_at = events.parse_local(text, turn.services.zone)
        if starts_at is None:
            turn.send(turn.text("events.error.date"))
            return
        if starts_at <= turn.now:
            turn.send(turn.text("events.error.past"))
            return
        draft["starts_at"], draft["step"] = starts_at.isoformat(), "place"
        turn.send(turn.text("events.new.place"))
    elif step == "place":
        if not text.strip() or len(text) > MAX_TEXT:
            turn.send(turn.text("events.error.text"))
            return
        draft["place"], draft["step"] = text.strip(), "capacity"
        turn.send(
            turn.text("events.new.capacity"),
            keyboards.rows([(turn.text("events.button.unlimited"), pack("event_new", "cap.none"))], cancel_row(turn, "event_new")),
            live=True,
        )
    elif step == "capacity":
        if not text.strip().isdigit() or not 1 <= int(text.strip()) <= events.MAX_CAPACITY:
            turn.send(turn.text("events.error.capacity"))
            return
        draft["capacity"] = int(text.strip())
        _ask_audience(turn, draft)
    else:
        turn.send(turn.text("survey.use_buttons"))
    turn.state["draft"] = draft


def summary(turn: Turn, draft: dict[str, Any]) -> str:
    capacity = draft.get("capacity")
    return turn.text(
        "events.new.summary",
        title=draft["title"],
        type=turn.text(f"events.type.{draft['type']}"),
        when=events.local_text(datetime.fromisoformat(draft["starts_at"]), turn.services.zone),
        place=draft["place"],
        capacity=capacity if capacity is not None else turn.text("events.free.unlimited"),
        audience=turn.text(f"events.audience.{draft['audience']}"),
        language=turn.text(f"button.lang.{draft['language']}"),
    )


async def _save(turn: Turn, actor: roles.Actor, draft: dict[str, Any], *, publish: bool) -> None:
    try:
        event = await events.create(
            turn.session,
            actor,
            events.Draft(
                type=draft["type"], centre_id=draft["centre_id"], title=draft["title"],
                starts_at=datetime.fromisoformat(draft["starts_at"]), place=draft["place"],
                capacity=draft.get("capacity"), audience=draft["audience"], language=draft["language"],
            ),
            publish=publish,
            now=turn.now,
        )
    except roles.Refused:
        end_screen(turn)
        turn.send(turn.text("staff.refused"))
        return
    except Refusal as error:
        end_screen(turn)
        turn.send(turn.text(f"events.error.{error.reason}"))
        return
    end_screen(turn)
    turn.send(turn.text("events.new.published" if publish else "events.new.drafted", id=event.id))
