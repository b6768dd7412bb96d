"""Citizens browse upcoming events by type and centre, register or cancel, and check in at the
event by QR code. Registering and checking in are identified: they need the person's consent
for events (with its own short notice), never the survey consent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from telegram import Update

from bot import keyboards
from bot.callbacks import Callback, pack
from bot.chat import notices
from bot.chat.conversation import consent
from bot.chat.conversation.turn import Turn
from bot.chat.staff import centre_name, invite_context, retire_buttons
from bot.consent import purposes
from services import attendance, events, registrations
from services.refusal import Refusal
from storage.models import Centre, Event, Person
from storage.repositories import events as event_store


async def browse(turn: Turn, update: Update) -> None:
    """/events: first the kind of event."""
    buttons = [[(turn.text(f"events.type.{name}"), pack("events", f"t.{name}"))] for name in events.EVENT_TYPES]
    buttons.append([(turn.text("events.button.all"), pack("events", "t.all"))])
    turn.send(turn.text("events.browse.type"), keyboards.rows(*buttons))


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    verb, _, rest = callback.value.partition(".")
    turn.toast()
    if verb == "t":
        await _centres(turn, None if rest == "all" else rest)
    elif verb == "c":
        event_type, _, centre_id = rest.partition(".")
        await _list(turn, None if event_type == "all" else event_type, None if centre_id == "all" else centre_id)
    elif verb == "e" and rest.isdigit():
        await detail(turn, int(rest))
    elif verb in ("reg", "ok") and rest.isdigit():  # "ok": the agree button of older versions
        retire_buttons(turn, update)
        await register(turn, update, int(rest))
    elif verb == "unreg" and rest.isdigit():
        retire_buttons(turn, update)
        await _unregister(turn, int(rest))
    elif verb == "n":
        await _notice_detail(turn, rest)
    else:
        turn.send(turn.text("unexpected.stale_button"))


async def _centres(turn: Turn, event_type: str | None) -> None:
    if event_type is not None and event_type not in events.EVENT_TYPES:
        turn.send(turn.text("unexpected.stale_button"))
        return
    upcoming = await event_store.upcoming(turn.session, turn.now, event_type=event_type, limit=200)
    centre_ids = sorted({e.centre_id for e in upcoming})
    if not centre_ids:
        turn.send(turn.text("events.browse.none"))
        return
    centres = (await turn.session.execute(select(Centre).where(Centre.id.in_(centre_ids)))).scalars()
    kind = event_type or "all"
    buttons = [[(centre_name(c, turn.lang), pack("events", f"c.{kind}.{c.id}"))] for c in centres]
    buttons.append([(turn.text("events.button.all_centres"), pack("events", f"c.{kind}.all"))])
    turn.send(turn.text("events.browse.centre"), keyboards.rows(*buttons))


async def _list(turn: Turn, event_type: str | None, centre_id: str | None) -> None:
    upcoming = await event_store.upcoming(turn.session, turn.now, centre_id=centre_id, event_type=event_type)
    if not upcoming:
        turn.send(turn.text("events.browse.none"))
        return
    zone = turn.services.zone
    buttons = [[(f"{events.local_text(e.starts_at, zone)} · {e.title}"[:60], pack("events", f"e.{e.id}"))] for e in upcoming]
    turn.send(turn.text("events.browse.list"), keyboards.rows(*buttons))


async def _notice_detail(turn: Turn, rest: str) -> None:
    """The detail behind a neutral reminder or notice, shown in the chat only when asked for,
    and only to someone registered for that event."""
    letter, _, event_id = rest.partition(".")
    kind = notices.KIND_OF_LETTER.get(letter)
    event = await turn.session.get(Event, int(event_id)) if event_id.isdigit() else None
    person = await _person(turn)
    registered = event is not None and person is not None and await event_store.registration(turn.session, event.id, person.id)
    if kind is None or event is None or not registered:
        turn.send(turn.text("unexpected.stale_button"))
        return
    turn.send(notices.event_text(turn.lang, kind, event, turn.services.zone))


async def _person(turn: Turn) -> Person | None:
    return await event_store.person_by_telegram(turn.session, turn.user_id)


async def detail(turn: Turn, event_id: int) -> None:
    """One event with its Register (or Cancel) button."""
    event = await turn.session.get(Event, event_id)
    if event is None or event.status != "published" or event.starts_at <= turn.now:
        turn.send(turn.text("events.error.closed"))
        return
    confirmed = await event_store.count_confirmed(turn.session, event.id)
    free = turn.text("events.free.unlimited") if event.capacity is None else max(event.capacity - confirmed, 0)
    person = await _person(turn)
    registration = await event_store.registration(turn.session, event.id, person.id) if person else None
    if registration is not None and registration.status != "cancelled":
        button = (turn.text("events.button.unregister"), pack("events", f"unreg.{event.id}"))
    else:
        button = (turn.text("events.button.register"), pack("events", f"reg.{event.id}"))
    text = turn.text(
        "events.detail",
        title=event.title,
        when=events.local_text(event.starts_at, turn.services.zone),
        place=event.place or "-",
        centre=centre_name(await turn.session.get(Centre, event.centre_id), turn.lang),
        free=free,
    )
    turn.send(text, keyboards.rows([button]))


async def register(turn: Turn, update: Update, event_id: int) -> None:
    """Register for an event; the first time, the events notice and consent come first, and
    the registration follows the consent without another tap."""
    if not consent.has_consent(turn, purposes.EVENTS):
        consent.ask(turn, f"{consent.EVENT}{event_id}")
        return
    person = await _person(turn)
    if person is None:
        person = await registrations.ensure_person(
            turn.session, citizen_key=turn.key, telegram_user_id=turn.user_id, display_name=_display_name(update),
            language=turn.lang, now=turn.now,
        )
    try:
        outcome = await registrations.register(turn.session, event_id=event_id, person_id=person.id, now=turn.now)
    except Refusal as error:
        turn.send(turn.text(f"events.error.{error.reason}"))
        return
    event = await turn.session.get(Event, event_id)
    assert event is not None
    registration = outcome.registration
    if not outcome.new:
        turn.send(turn.text("events.register.already"))
    elif registration.status == "confirmed":
        turn.send(turn.text("events.register.confirmed", title=event.title, when=events.local_text(event.starts_at, turn.services.zone)))
    else:
        turn.send(turn.text("events.register.waiting", title=event.title))


async def _unregister(turn: Turn, event_id: int) -> None:
    person = await _person(turn)
    if person is None:
        turn.send(turn.text("events.error.not_registered"))
        return
    try:
        promotion = await registrations.cancel(turn.session, event_id=event_id, person_id=person.id, now=turn.now)
        if promotion is not None:
            await notices.queue(turn.session, [promotion.notice], zone=turn.services.zone, now=turn.now)
    except Refusal as error:
        turn.send(turn.text(f"events.error.{error.reason}"))
        return
    turn.send(turn.text("events.unregister.done"))


def _display_name(update: Update) -> str:
    user = update.effective_user
    return (user.full_name if user else "") or "-"


# The time a person may spend reading the events notice and consenting after scanning a
# current code: the check-in follows the consent without another scan.
CONSENT_GRACE = timedelta(minutes=10)


def refused_code(turn: Turn, payload: str) -> bool:
    """Tell the person when a scanned check-in code is forged or no longer current; True then.
    Checked before the consent screen, so only a code scanned in the room leads to it."""
    code = attendance.parse_checkin(turn.services.secret, payload)
    if code is None:
        turn.send(turn.text("checkin.invalid"))
    elif not attendance.is_current(code, turn.now):
        turn.send(turn.text("events.error.checkin_expired"))
    else:
        return False
    return True


async def check_in(turn: Turn, update: Update, payload: str) -> None:
    """/start chk_<event>_<step>_<token>: the QR code staff show at the event. Reached from a
    button, it follows the consent given after a current code was scanned."""
    code = attendance.parse_checkin(turn.services.secret, payload)
    if code is None:
        turn.send(turn.text("checkin.invalid"))
        return
    if not consent.has_consent(turn, purposes.EVENTS):
        if not refused_code(turn, payload):
            consent.ask(turn, payload)
        return
    person = await registrations.ensure_person(
        turn.session, citizen_key=turn.key, telegram_user_id=turn.user_id, display_name=_display_name(update),
        language=turn.lang, now=turn.now,
    )
    try:
        marked = await attendance.check_in(
            turn.session, code=code, person=person, secret=turn.services.secret, now=turn.now,
            late=CONSENT_GRACE if update.callback_query is not None else timedelta(0), invite=invite_context(turn),
        )
        await notices.queue(
            turn.session, filter(None, [marked.invitation]), zone=turn.services.zone, now=turn.now,
            bot_username=update.get_bot().username,
        )
    except Refusal as error:
        turn.send(turn.text(f"events.error.{error.reason}"))
        return
    turn.send(turn.text("checkin.done" if marked.present else "checkin.again"))


async def opt_out(turn: Turn, update: Update) -> None:
    """The "don't ask me again" button under a survey invitation."""
    turn.toast()
    retire_buttons(turn, update)
    person = await _person(turn)
    if person is not None and person.survey_invites_opt_out_at is None:
        person.survey_invites_opt_out_at = turn.now
    turn.send(turn.text("invitation.stopped"))
