"""Staff merge a walk-in with the registered person it turned out to be: they type the name,
pick the walk-in (told apart by when each last came) and then the registered person seen at
the centre under a similar name; the answer offers to undo it. The draft keeps only ids."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import pack
from bot.chat.conversation.turn import Turn
from bot.chat.staff import end_screen, retire_buttons
from services import events, roles, walkins
from storage.models import Event
from storage.repositories import walkins as walkin_store
from storage.repositories.walkins import RegisteredAttendee, WalkinSummary

SCREEN = "staff.merge"
PICK = "staff.merge_pick"
# mw: this walk-in; mp: this walk-in is this person; mu: undo the merge.
VERBS = ("mw", "mp", "mu")
LABEL = 60


def walkin_label(turn: Turn, walkin: WalkinSummary) -> str:
    """A walk-in as staff tell it apart: when and where it last came, and how often."""
    if walkin.last_at is None or walkin.last_title is None:
        return turn.text("attendance.walkin.unseen")
    when = events.local_text(walkin.last_at, turn.services.zone)
    return turn.text("attendance.walkin.seen", when=when, title=walkin.last_title, count=walkin.attended)[:LABEL]


def _person_label(turn: Turn, person: RegisteredAttendee) -> str:
    when = events.local_text(person.last_at, turn.services.zone)
    return turn.text("attendance.merge.person", name=person.display_name, when=when, title=person.last_title)[:LABEL]


async def on_name(turn: Turn, actor: roles.Actor, event_id: int, name: str) -> None:
    """The typed name: the centre's walk-ins with it, to pick from first."""
    event = await turn.session.get(Event, event_id)
    if event is None:
        end_screen(turn)
        return
    found = await walkins.candidates(turn.session, actor, centre_id=event.centre_id, name=name, secret=turn.services.secret)
    if not found.walkins or not found.people:
        turn.send(turn.text("attendance.merge.no_walkins" if not found.walkins else "attendance.merge.no_people"))
        return  # stay: another name may follow
    turn.state["screen"] = PICK
    turn.state["draft"] = {
        "event_id": event_id, "walkins": [w.walkin_id for w in found.walkins], "people": [p.person_id for p in found.people],
    }
    buttons = [[(walkin_label(turn, w), pack("event_manage", f"mw.{event_id}.{w.walkin_id}"))] for w in found.walkins]
    turn.send(turn.text("attendance.merge.pick_walkin"), keyboards.rows(*buttons))


async def on_button(turn: Turn, actor: roles.Actor, event: Event, verb: str, args: list[int], update: Update) -> None:
    draft = turn.state.get("draft") or {}
    if verb == "mu" and len(args) == 1:
        turn.toast()
        retire_buttons(turn, update)
        await walkins.unmerge_walkin(turn.session, actor, walkin_id=args[0], now=turn.now)
        turn.send(turn.text("attendance.merge.undone"))
        return
    offered = turn.state.get("screen") == PICK and draft.get("event_id") == event.id
    if not offered or not args or args[0] not in draft.get("walkins", []):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    walkin_id = args[0]
    if verb == "mw" and len(args) == 1:
        turn.toast()
        retire_buttons(turn, update)
        people = [p for p in await walkin_store.registered_at_centre(turn.session, event.centre_id) if p.person_id in draft["people"]]
        buttons = [[(_person_label(turn, p), pack("event_manage", f"mp.{event.id}.{walkin_id}.{p.person_id}"))] for p in people]
        turn.send(turn.text("attendance.merge.pick_person"), keyboards.rows(*buttons))
    elif verb == "mp" and len(args) == 2 and args[1] in draft.get("people", []):
        turn.toast()
        retire_buttons(turn, update)
        merged = await walkins.merge_walkin(
            turn.session, actor, walkin_id=walkin_id, person_id=args[1], secret=turn.services.secret, now=turn.now
        )
        end_screen(turn)
        undo = keyboards.rows([(turn.text("attendance.button.unmerge"), pack("event_manage", f"mu.{event.id}.{walkin_id}"))])
        turn.send(turn.text("attendance.merge.done", moved=merged.moved, folded=merged.folded), undo)
    else:
        turn.toast(turn.text("unexpected.stale_button"))
