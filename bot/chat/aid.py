"""Staff log clothing and stationery aid (4.2.3) in chat: the centre, then school numbers."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback, pack
from bot.chat.conversation.turn import Turn
from bot.chat.staff import (
    centre_name,
    end_screen,
    local_today,
    retire_buttons,
    staff_actor,
)
from services import entries, roles
from services.refusal import Refusal
from storage.repositories import centres as centre_store

SCREEN = "staff.aid"


async def begin(turn: Turn, update: Update) -> None:
    actor = await staff_actor(turn)
    if actor is None:
        return
    allowed = [c for c in await centre_store.active(turn.session) if roles.can(actor, "entry.add", c.id)]
    buttons = [[(centre_name(c, turn.lang), pack("aid", f"c.{c.id}"))] for c in allowed]
    turn.send(turn.text("entries.aid.centre"), keyboards.rows(*buttons))


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    actor = await staff_actor(turn)
    verb, _, centre_id = callback.value.partition(".")
    if actor is None or verb != "c" or not roles.can(actor, "entry.add", centre_id):
        turn.toast(turn.text("staff.refused"))
        return
    turn.toast()
    retire_buttons(turn, update)
    turn.state["screen"] = SCREEN
    turn.state["draft"] = {"centre_id": centre_id}
    turn.send(turn.text("entries.aid.ask"))


async def on_text(turn: Turn, text: str) -> None:
    actor = await staff_actor(turn)
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    if actor is None or "centre_id" not in draft:
        end_screen(turn)
        return
    valid, rejected = entries.parse_school_ids(text)
    if rejected:
        turn.send(turn.text("entries.aid.rejected", lines=", ".join(rejected[:10])))
    if not valid:
        return
    try:
        result = await entries.log_aid(
            turn.session, actor, centre_id=draft["centre_id"], occurred_on=local_today(turn),
            school_ids=valid, note=None, secret=turn.services.secret, now=turn.now, today=local_today(turn),
        )
    except roles.Refused:
        turn.send(turn.text("staff.refused"))
    except Refusal as error:
        turn.send(turn.text(f"entries.error.{error.reason}"))
        return
    else:
        turn.send(turn.text("entries.aid.done", added=result.added, duplicates=result.already_counted))
    end_screen(turn)
