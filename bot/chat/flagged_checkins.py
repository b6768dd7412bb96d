"""Self check-ins flagged for review (`reports.checkin_flags`) on an event's screens: how many
on the event's menu, a mark in the tick list, and a paged list of who and why, from which
staff take back the check-in of someone who was not in the room (after a yes). A flag changes
no figure by itself. The other event behind an "elsewhere" flag is never named: it may be
another centre's, and sensitive."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import pack
from bot.chat.conversation.turn import Turn
from bot.chat.staff import retire_buttons
from reports import checkin_review
from reports.checkin_review import Flagged
from reports.labels import flags_text
from services import attendance, roles
from storage.models import Event

# flg: the list (a page of it); fx: take this one back?; fy: yes, take it back.
VERBS = ("flg", "fx", "fy")
PAGE = 8
LABEL = 60
MARK = "⚠️"
OPEN = ("published", "held")


async def of_event(turn: Turn, event: Event) -> list[Flagged]:
    return await checkin_review.at_events(turn.session, [event.id]) if event.status in OPEN else []


def menu_part(turn: Turn, event: Event, flagged: list[Flagged]) -> tuple[str | None, list[tuple[str, str]]]:
    """The menu's line and button about flagged check-ins; nothing when there are none."""
    if not flagged:
        return None, []
    button = (turn.text("attendance.button.flagged", count=len(flagged)), pack("event_manage", f"flg.{event.id}.0"))
    return f"{MARK} {turn.text('attendance.flagged.summary', count=len(flagged))}", [button]


async def on_button(
    turn: Turn, actor: roles.Actor, event: Event, verb: str, args: list[int], update: Update, message_id: int | None
) -> None:
    if verb == "flg" and len(args) == 1:
        turn.toast()
        await _page(turn, event, args[0], message_id)
    elif verb == "fx" and len(args) == 2:
        turn.toast()
        await _confirm(turn, event, args[0], args[1])
    elif verb == "fy" and len(args) == 1:
        turn.toast()
        retire_buttons(turn, update)
        taken = await attendance.take_back(turn.session, actor, event_id=event.id, attendance_id=args[0], now=turn.now)
        turn.send(turn.text("attendance.flagged.taken" if taken else "attendance.flagged.gone"))
        await _page(turn, event, 0, None)
    else:
        turn.toast(turn.text("unexpected.stale_button"))


def _name(turn: Turn, found: Flagged) -> str:
    return (found.row.name or turn.text("attendance.flagged.nameless"))[:40]


async def _page(turn: Turn, event: Event, page: int, message_id: int | None) -> None:
    """Who is flagged and why, a page at a time, each with a button to take it back."""
    flagged = await of_event(turn, event)
    if not flagged:
        turn.send(turn.text("attendance.flagged.none"))
        return
    pages = (len(flagged) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    zone = turn.services.zone
    lines = [turn.text("attendance.flagged.list", count=len(flagged), page=page + 1, pages=pages)]
    buttons = []
    for number, found in enumerate(flagged[page * PAGE : (page + 1) * PAGE], start=page * PAGE + 1):
        when = f"{found.row.recorded_at.astimezone(zone):%H:%M:%S}"
        lines.append(f"{number}. {_name(turn, found)} · {when}: {flags_text(found.reasons, turn.lang)}")
        label = turn.text("attendance.button.take_back", number=number, name=_name(turn, found))[:LABEL]
        buttons.append([(label, pack("event_manage", f"fx.{event.id}.{found.row.attendance_id}.{page}"))])
    navigation = []
    if page > 0:
        navigation.append((turn.text("attendance.button.prev"), pack("event_manage", f"flg.{event.id}.{page - 1}")))
    if page < pages - 1:
        navigation.append((turn.text("attendance.button.next"), pack("event_manage", f"flg.{event.id}.{page + 1}")))
    if message_id is not None:
        turn.edit(message_id, "\n".join(lines), keyboards.rows(*buttons, navigation))
    else:
        turn.send("\n".join(lines), keyboards.rows(*buttons, navigation))


async def _confirm(turn: Turn, event: Event, attendance_id: int, page: int) -> None:
    found = next((f for f in await of_event(turn, event) if f.row.attendance_id == attendance_id), None)
    if found is None:
        turn.send(turn.text("attendance.flagged.gone"))
        return
    turn.send(
        turn.text("attendance.flagged.confirm", name=_name(turn, found)),
        keyboards.rows(
            [(turn.text("attendance.button.take_back_yes"), pack("event_manage", f"fy.{event.id}.{attendance_id}"))],
            [(turn.text("attendance.button.take_back_no"), pack("event_manage", f"flg.{event.id}.{page}"))],
        ),
    )
