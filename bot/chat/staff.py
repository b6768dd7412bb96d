"""Small pieces every staff and event chat flow shares."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.callbacks import FLOW_SCREENS, pack
from bot.chat.conversation.turn import Turn
from services import roles
from services.invitations import InviteContext
from storage.centres import shipped_by_id
from storage.models import Centre


async def staff_actor(turn: Turn) -> roles.Actor | None:
    """The member behind this chat, read now; anyone else is told the command is for staff."""
    actor = await roles.current(turn.session, turn.user_id)
    if actor is None:
        turn.send(turn.text("staff.only"))
    return actor


def button_message(update: Update) -> int | None:
    query = update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


def retire_buttons(turn: Turn, update: Update) -> None:
    """Take the buttons off the message that was pressed, so it cannot be pressed twice."""
    message_id = button_message(update)
    if message_id is not None:
        turn.edit_keyboard(message_id, None)


def cancel_row(turn: Turn, kind: str, value: str = "cancel") -> list[tuple[str, str]]:
    """The Cancel button of the flow whose buttons are of `kind`."""
    return [(turn.text("staff.button.cancel"), pack(kind, value))]


def centre_name(centre: Centre | None, lang: str) -> str:
    """The centre's name as the centres file spells it in `lang` (the database has no Arabic)."""
    if centre is None:
        return "-"
    named = shipped_by_id().get(centre.id)
    if named is not None:
        return named.name_in(lang)
    return centre.name_tr if lang == "tr" else centre.name_en


def invite_context(turn: Turn) -> InviteContext:
    return InviteContext(
        secret=turn.services.secret,
        surveys=turn.services.surveys,
        local_date=local_today(turn),
    )


def parse_day(text: str) -> date | None:
    """A day typed as GG.AA.YYYY (slashes accepted), or None."""
    parts = text.strip().replace("/", ".").split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def end_screen(turn: Turn) -> None:
    turn.state.pop("draft", None)
    turn.state["screen"] = "idle"


def cancel_step(turn: Turn, update: Update, kind: str) -> None:
    """The step's Cancel button: its buttons go, the draft is dropped, and the person is told;
    a Cancel of another flow than the current one is stale and ends nothing."""
    if turn.state.get("screen") != FLOW_SCREENS[kind]:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    retire_buttons(turn, update)
    end_screen(turn)
    turn.send(turn.text("staff.cancelled"))


def local_today(turn: Turn) -> date:
    """The municipality's calendar day (Europe/Istanbul), not the UTC one: between 00:00 and
    03:00 local time the UTC date is still yesterday."""
    return turn.now.astimezone(turn.services.zone).date()
