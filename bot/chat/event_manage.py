"""Staff see their centres' events and act on one: publish, take attendance (a paged list of
names to tick), show the check-in QR code of the moment, review the self check-ins flagged as
possibly not made in the room (bot/chat/flagged_checkins.py), add a walk-in, enter a headcount,
move or cancel. Rights are checked again on every press: the event id in a button gives no
right by itself.

A walk-in whose name is already known at the centre is recorded only once staff say which of
those walk-ins came, or that this is a new person; the choice shows when each last came, never
a name or a Telegram id. From the same menu staff merge a walk-in with the registered person
it turned out to be (bot/chat/walkin_merge.py)."""

from __future__ import annotations

import base64
from datetime import timedelta

from telegram import Update

from bot import keyboards
from bot.callbacks import Callback, pack
from bot.chat import flagged_checkins, notices, walkin_merge
from bot.chat.conversation.turn import Turn
from bot.chat.staff import end_screen, invite_context, retire_buttons, staff_actor
from bot.checkin_qr import checkin_link, png
from services import attendance, events, roles
from services.refusal import Refusal
from storage.models import Event
from storage.repositories import events as event_store
from storage.repositories import outbox

PAGE = 8


async def list_mine(turn: Turn, update: Update) -> None:
    actor = await staff_actor(turn)
    if actor is None:
        return
    centres = None if roles.can(actor, "event.publish") else sorted(actor.centres)
    found = await event_store.for_centres(turn.session, centres, turn.now - timedelta(days=1))
    if not found:
        turn.send(turn.text("events.mine.none"))
        return
    buttons = [[(_label(turn, e), pack("event_manage", f"e.{e.id}"))] for e in found]
    turn.send(turn.text("events.mine.list"), keyboards.rows(*buttons))


def _label(turn: Turn, event: Event) -> str:
    return f"{events.local_text(event.starts_at, turn.services.zone)} · {event.title}"[:60]


async def _menu(turn: Turn, event: Event) -> None:
    rows = await event_store.registered_people(turn.session, event.id)
    confirmed = sum(1 for r, _ in rows if r.status == "confirmed")
    flagged_line, flagged_button = flagged_checkins.menu_part(turn, event, await flagged_checkins.of_event(turn, event))
    text = turn.text(
        "events.manage",
        title=event.title,
        when=events.local_text(event.starts_at, turn.services.zone),
        status=turn.text(f"events.status.{event.status}"),
        confirmed=confirmed,
        waiting=len(rows) - confirmed,
        present=await event_store.attendance_count(turn.session, event.id),
        headcount=event.headcount if event.headcount is not None else "-",
    )
    if flagged_line is not None:
        text = f"{text}\n{flagged_line}"
    buttons: list[list[tuple[str, str]]] = [flagged_button]
    if event.status == "draft":
        buttons.append([(turn.text("events.button.publish"), pack("event_manage", f"pub.{event.id}"))])
    if event.status in ("published", "held"):
        buttons.append([(turn.text("attendance.button.list"), pack("event_manage", f"att.{event.id}.0"))])
        buttons.append([(turn.text("attendance.button.qr"), pack("event_manage", f"qr.{event.id}"))])
        buttons.append([(turn.text("attendance.button.walkin"), pack("event_manage", f"walk.{event.id}"))])
        buttons.append([(turn.text("attendance.button.headcount"), pack("event_manage", f"head.{event.id}"))])
        buttons.append([(turn.text("attendance.button.merge"), pack("event_manage", f"mrg.{event.id}"))])
    if event.status in ("draft", "published"):
        buttons.append([(turn.text("events.button.move"), pack("event_manage", f"move.{event.id}"))])
        buttons.append([(turn.text("events.button.cancel"), pack("event_manage", f"cancel.{event.id}"))])
    turn.send(text, keyboards.rows(*buttons))


async def _attendance_page(turn: Turn, event: Event, page: int, message_id: int | None) -> None:
    rows = await event_store.registered_people(turn.session, event.id, ("confirmed",))
    if not rows:
        turn.send(turn.text("attendance.empty"))
        return
    present = await event_store.attended_people(turn.session, event.id)
    flagged = {f.row.person_id for f in await flagged_checkins.of_event(turn, event)}
    pages = (len(rows) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    buttons = [
        [(_mark(person.id, present, flagged) + person.display_name[:40], pack("event_manage", f"t.{event.id}.{person.id}.{page}"))]
        for _, person in rows[page * PAGE : (page + 1) * PAGE]
    ]
    navigation = []
    if page > 0:
        navigation.append((turn.text("attendance.button.prev"), pack("event_manage", f"att.{event.id}.{page - 1}")))
    if page < pages - 1:
        navigation.append((turn.text("attendance.button.next"), pack("event_manage", f"att.{event.id}.{page + 1}")))
    text = turn.text("attendance.list", present=len(present & {p.id for _, p in rows}), total=len(rows), page=page + 1, pages=pages)
    if message_id is not None:
        turn.edit(message_id, text, keyboards.rows(*buttons, navigation))
    else:
        turn.send(text, keyboards.rows(*buttons, navigation))


def _mark(person_id: int, present: set[int], flagged: set[int | None]) -> str:
    """Ticked or not, and flagged for review when the person's own check-in is."""
    if person_id not in present:
        return "⬜ "
    return f"✅ {flagged_checkins.MARK} " if person_id in flagged else "✅ "


async def _show_code(turn: Turn, event: Event, bot_username: str) -> None:
    """The QR code of this 30-second step, as a photo with a button for the next one; a photo
    the outbox could not send within 30 seconds would show a code about to die, so it is
    never sent."""
    url = checkin_link(bot_username, turn.services.secret, event.id, turn.now)
    again = keyboards.rows([(turn.text("attendance.button.qr_again"), pack("event_manage", f"qr.{event.id}"))])
    await outbox.enqueue(
        turn.session, dedupe_key=f"checkin-qr:{turn.user_id}:{url}", chat_id=turn.user_id, kind="checkin_qr",
        payload={
            "photo": {"file_name": "giris-kodu.png", "content_b64": base64.b64encode(png(url)).decode()},
            "caption": turn.text("attendance.qr.caption"), "reply_markup": again.to_dict(),
        },
        not_before=turn.now, now=turn.now, expires_at=turn.now + timedelta(seconds=attendance.STEP_SECONDS),
    )


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    actor = await staff_actor(turn)
    if actor is None:
        turn.toast()
        return
    verb, *parts = callback.value.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    event = await turn.session.get(Event, int(parts[0]))
    if event is None or not roles.can(actor, "attendance.record", event.centre_id):
        turn.toast(turn.text("staff.refused"))
        return
    message_id = update.callback_query.message.message_id if update.callback_query and update.callback_query.message else None
    try:
        await _act(turn, actor, event, verb, [int(p) for p in parts[1:]], update, message_id)
    except roles.Refused:
        turn.toast(turn.text("staff.refused"))
    except Refusal as error:
        turn.toast()
        turn.send(turn.text(f"events.error.{error.reason}"))


async def _act(
    turn: Turn, actor: roles.Actor, event: Event, verb: str, args: list[int], update: Update, message_id: int | None
) -> None:
    zone = turn.services.zone
    if verb == "e":
        turn.toast()
        await _menu(turn, event)
    elif verb == "pub":
        turn.toast()
        retire_buttons(turn, update)
        await events.publish(turn.session, actor, event.id, turn.now)
        turn.send(turn.text("events.new.published", id=event.id))
    elif verb == "qr":
        turn.toast()
        if event.status not in ("published", "held"):
            raise Refusal("state")
        await _show_code(turn, event, update.get_bot().username)
    elif verb == "att" and len(args) == 1:
        turn.toast()
        await _attendance_page(turn, event, args[0], None)
    elif verb == "t" and len(args) == 2:
        marked = await attendance.tick(
            turn.session, actor, event_id=event.id, person_id=args[0], secret=turn.services.secret, now=turn.now,
            invite=invite_context(turn),
        )
        await notices.queue(
            turn.session, filter(None, [marked.invitation]), zone=zone, now=turn.now, bot_username=update.get_bot().username
        )
        turn.toast(turn.text("attendance.ticked" if marked.present else "attendance.unticked"))
        await _attendance_page(turn, event, args[1], message_id)
    elif verb in ("walk", "head", "move", "mrg"):
        turn.toast()
        screen = {"walk": "staff.walkin", "head": "staff.headcount", "move": "staff.move", "mrg": walkin_merge.SCREEN}[verb]
        turn.state["screen"] = screen
        turn.state["draft"] = {"event_id": event.id}
        asked = {"walk": "attendance.walkin.ask", "head": "attendance.headcount.ask", "move": "events.move.ask"}
        turn.send(turn.text(asked.get(verb, "attendance.merge.ask")))
    elif verb == "ws" and len(args) == 1:
        await _chosen_walkin(turn, actor, event, args[0], update)
    elif verb in walkin_merge.VERBS:
        await walkin_merge.on_button(turn, actor, event, verb, args, update)
    elif verb in flagged_checkins.VERBS:
        await flagged_checkins.on_button(turn, actor, event, verb, args, update, message_id)
    elif verb == "cancel":
        turn.toast()
        turn.send(
            turn.text("events.cancel.confirm", title=event.title),
            keyboards.rows([(turn.text("events.button.cancel_yes"), pack("event_manage", f"cy.{event.id}"))]),
        )
    elif verb == "cy":
        turn.toast()
        retire_buttons(turn, update)
        told = await notices.queue(turn.session, await events.cancel(turn.session, actor, event.id, now=turn.now), zone=zone, now=turn.now)
        turn.send(turn.text("events.cancelled", told=told))
    else:
        turn.toast(turn.text("unexpected.stale_button"))


async def on_text(turn: Turn, text: str) -> None:
    """A walk-in's name, a headcount or a new time, for the event in the draft."""
    screen = turn.state.get("screen", "")
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    actor = await staff_actor(turn)
    if actor is None or "event_id" not in draft:
        end_screen(turn)
        return
    event_id = int(draft["event_id"])
    try:
        if screen in ("staff.walkin", WALKIN_CHOICE):
            walked = await attendance.walk_in(turn.session, actor, event_id=event_id, name=text, secret=turn.services.secret, now=turn.now)
            if walked.choices:
                _ask_which(turn, event_id, walked)
                return
            await _walked_in(turn, event_id, walked.present)
            return  # stay on this screen: the next name may follow
        if screen in (walkin_merge.SCREEN, walkin_merge.PICK):
            await walkin_merge.on_name(turn, actor, event_id, text)
            return
        if screen == "staff.headcount":
            if not text.strip().isdigit():
                turn.send(turn.text("events.error.headcount"))
                return
            await attendance.set_headcount(turn.session, actor, event_id=event_id, count=int(text.strip()), now=turn.now)
            turn.send(turn.text("attendance.headcount.done", count=int(text.strip())))
        elif screen == "staff.move":
            starts_at = events.parse_local(text, turn.services.zone)
            if starts_at is None:
                turn.send(turn.text("events.error.date"))
                return
            moved = await events.move(turn.session, actor, event_id, starts_at, now=turn.now)
            told = await notices.queue(turn.session, moved, zone=turn.services.zone, now=turn.now)
            turn.send(turn.text("events.moved", told=told))
    except roles.Refused:
        turn.send(turn.text("staff.refused"))
    except Refusal as error:
        turn.send(turn.text(f"events.error.{error.reason}"))
        if error.reason not in ("headcount", "past", "text"):
            end_screen(turn)
        return
    end_screen(turn)


WALKIN_CHOICE = "staff.walkin_choice"


def _ask_which(turn: Turn, event_id: int, walked: attendance.WalkIn) -> None:
    """Walk-ins with the typed name are known at the centre: staff say which one came, or that
    this is someone new. The draft keeps the name's key, never the name."""
    turn.state["screen"] = WALKIN_CHOICE
    turn.state["draft"] = {"event_id": event_id, "name_key": walked.name_key}
    options = [
        [(turn.text("attendance.walkin.option", seen=walkin_merge.walkin_label(turn, c))[:walkin_merge.LABEL],
          pack("event_manage", f"ws.{event_id}.{c.walkin_id}"))]
        for c in walked.choices
    ]
    new = [(turn.text("attendance.button.walkin_new"), pack("event_manage", f"ws.{event_id}.{attendance.NEW_PERSON}"))]
    turn.send(turn.text("attendance.walkin.choose"), keyboards.rows(*options, new))


async def _chosen_walkin(turn: Turn, actor: roles.Actor, event: Event, choice: int, update: Update) -> None:
    """Staff said which walk-in came (or a new person); the name's key is in the draft."""
    draft = turn.state.get("draft") or {}
    if turn.state.get("screen") != WALKIN_CHOICE or draft.get("event_id") != event.id or "name_key" not in draft:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    retire_buttons(turn, update)
    walked = await attendance.record_walkin(
        turn.session, actor, event_id=event.id, name_key=str(draft["name_key"]), secret=turn.services.secret,
        now=turn.now, choice=choice,
    )
    turn.state["screen"] = "staff.walkin"
    turn.state["draft"] = {"event_id": event.id}
    await _walked_in(turn, event.id, walked.present)


async def _walked_in(turn: Turn, event_id: int, added: bool) -> None:
    present = await event_store.attendance_count(turn.session, event_id)
    turn.send(turn.text("attendance.walkin.done" if added else "attendance.walkin.again", present=present))
