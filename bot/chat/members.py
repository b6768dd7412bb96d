"""Alzheimer & dementia centre membership in chat (/uye): who registers for whom, the member's
name and birth date, how to be contacted, and a separate explicit consent for health data.
Staff then approve or decline with a reason (/basvurular)."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update

from bot import keyboards
from bot.callbacks import FLOW_SCREENS, Callback, pack
from bot.chat import notices
from bot.chat.conversation import consent
from bot.chat.conversation.turn import Turn
from bot.chat.staff import (
    cancel_row,
    cancel_step,
    centre_name,
    end_screen,
    parse_day,
    retire_buttons,
    staff_actor,
)
from bot.consent import purposes
from services import memberships, registrations, roles
from services.refusal import Refusal
from storage.models import Centre, Membership
from storage.repositories import centres as centre_store
from storage.repositories import events as event_store
from storage.repositories import memberships as membership_store

LINK = "uye"
SCREEN = FLOW_SCREENS["membership"]
MAX_PHONE = 32


async def begin(turn: Turn, update: Update, centre_id: str | None = None) -> None:
    if not consent.has_consent(turn, purposes.MEMBERSHIP):
        consent.ask(turn, f"{LINK}__{centre_id}" if centre_id else LINK)
        return
    available = await centre_store.active(turn.session, "alzheimer_centre")
    chosen = next((c for c in available if c.id == centre_id), available[0] if available else None)
    if chosen is None:
        turn.send(turn.text("membership.error.centre"))
        return
    turn.state["screen"] = SCREEN
    turn.state["draft"] = {"step": "rel", "centre_id": chosen.id}
    turn.send(
        turn.text("membership.relation", centre=centre_name(chosen, turn.lang)),
        keyboards.rows(
            [(turn.text("membership.button.self"), pack("membership", "rel.self"))],
            [(turn.text("membership.button.family"), pack("membership", "rel.family"))],
            cancel_row(turn, "membership"),
        ),
    )


async def on_button(turn: Turn, callback: Callback, update: Update) -> None:
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    field, _, value = callback.value.partition(".")
    if field == "n":
        turn.toast()
        await _notice_detail(turn, value)
        return
    if field == "cancel":
        cancel_step(turn, update, "membership")
        return
    if turn.state.get("screen") != SCREEN or field != draft.get("step"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    retire_buttons(turn, update)
    if field == "rel" and value in memberships.RELATIONS:
        draft["relation"], draft["step"] = value, "name"
        turn.send(turn.text("membership.name"))
    elif field == "contact" and value in memberships.CONTACTS:
        draft["contact"] = value
        if value == "phone":
            draft["step"] = "phone"
            turn.send(turn.text("membership.phone"))
        else:
            _ask_consent(turn, draft)
    elif field == "hc" and value == "yes":
        await _submit(turn, update, draft)
        return
    elif field == "hc":
        end_screen(turn)
        turn.send(turn.text("membership.declined_consent"))
        return
    turn.state["draft"] = draft


async def _notice_detail(turn: Turn, membership_id: str) -> None:
    """The decision behind a neutral notice, shown in the chat only to the applicant who asks."""
    membership = await turn.session.get(Membership, int(membership_id)) if membership_id.isdigit() else None
    person = await event_store.person_by_telegram(turn.session, turn.user_id)
    if membership is None or person is None or membership.person_id != person.id or membership.status == "pending":
        turn.send(turn.text("unexpected.stale_button"))
        return
    turn.send(notices.membership_text(turn.lang, membership))


def _ask_consent(turn: Turn, draft: dict[str, Any]) -> None:
    draft["step"] = "hc"
    turn.send(
        turn.text("membership.health_consent"),
        keyboards.rows(
            [(turn.text("membership.button.consent_yes"), pack("membership", "hc.yes"))],
            [(turn.text("membership.button.consent_no"), pack("membership", "hc.no"))],
        ),
    )


async def on_text(turn: Turn, text: str) -> None:
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    step = draft.get("step")
    if step == "name":
        if not text.strip() or len(text) > 200:
            turn.send(turn.text("membership.error.name"))
            return
        draft["member_name"], draft["step"] = text.strip(), "birth"
        turn.send(turn.text("membership.birth"))
    elif step == "birth":
        born = parse_day(text)
        if born is None or born.year < 1900 or born >= turn.now.date():
            turn.send(turn.text("membership.error.birth"))
            return
        draft["birth_date"], draft["step"] = born.isoformat(), "contact"
        turn.send(
            turn.text("membership.contact"),
            keyboards.rows(
                [(turn.text("membership.button.telegram"), pack("membership", "contact.telegram"))],
                [(turn.text("membership.button.phone"), pack("membership", "contact.phone"))],
            ),
        )
    elif step == "phone":
        digits = "".join(c for c in text if c.isdigit() or c == "+")
        if not 10 <= len(digits) <= 15 or len(text) > MAX_PHONE:
            turn.send(turn.text("membership.error.phone"))
            return
        draft["phone"] = digits
        _ask_consent(turn, draft)
    else:
        turn.send(turn.text("survey.use_buttons"))
    turn.state["draft"] = draft


async def _submit(turn: Turn, update: Update, draft: dict[str, Any]) -> None:
    user = update.effective_user
    person = await registrations.ensure_person(
        turn.session, citizen_key=turn.key, telegram_user_id=turn.user_id,
        display_name=(user.full_name if user else "") or "-", language=turn.lang, now=turn.now,
    )
    person.health_consent_at = turn.now
    if draft.get("phone"):
        person.phone = draft["phone"]
    try:
        await memberships.apply(
            turn.session, person=person, centre_id=draft["centre_id"], relation=draft["relation"],
            member_name=draft["member_name"], birth_date=date.fromisoformat(draft["birth_date"]),
            contact_preference=draft["contact"], secret=turn.services.secret, now=turn.now,
        )
    except Refusal as error:
        end_screen(turn)
        turn.send(turn.text(f"membership.error.{error.reason}"))
        return
    end_screen(turn)
    turn.send(turn.text("membership.done"))


async def list_pending(turn: Turn, update: Update) -> None:
    """/basvurular: the pending applications this member may decide."""
    actor = await staff_actor(turn)
    if actor is None:
        return
    centres = None if roles.can(actor, "membership.approve") else sorted(actor.centres)
    pending = await membership_store.pending(turn.session, centres)
    if not pending:
        turn.send(turn.text("membership.pending.none"))
        return
    for membership in pending:
        centre = await turn.session.get(Centre, membership.centre_id)
        turn.send(
            turn.text(
                "membership.pending.item", id=membership.id, name=membership.member_name,
                relation=turn.text(f"membership.button.{membership.relation}"), centre=centre_name(centre, turn.lang),
                contact=turn.text(f"membership.button.{membership.contact_preference}"),
            ),
            keyboards.rows(
                [
                    (turn.text("membership.button.approve"), pack("membership_decide", f"ok.{membership.id}")),
                    (turn.text("membership.button.decline"), pack("membership_decide", f"no.{membership.id}")),
                ]
            ),
        )


async def on_decide(turn: Turn, callback: Callback, update: Update) -> None:
    actor = await staff_actor(turn)
    verb, _, rest = callback.value.partition(".")
    if actor is None or not rest.isdigit() or verb not in ("ok", "no"):
        turn.toast(turn.text("unexpected.stale_button"))
        return
    membership = await turn.session.get(Membership, int(rest))
    if membership is None or not roles.can(actor, "membership.approve", membership.centre_id):
        turn.toast(turn.text("staff.refused"))
        return
    turn.toast()
    retire_buttons(turn, update)
    if verb == "no":
        turn.state["screen"] = "staff.decline"
        turn.state["draft"] = {"membership_id": membership.id}
        turn.send(turn.text("membership.decline.ask"))
        return
    await _decide(turn, actor, membership.id, approve=True, reason=None)


async def on_decline_reason(turn: Turn, text: str) -> None:
    actor = await staff_actor(turn)
    draft = dict(turn.state.get("draft") or {})  # a new object, so the change is saved
    if actor is None or "membership_id" not in draft:
        end_screen(turn)
        return
    if not text.strip() or len(text) > memberships.MAX_REASON:
        turn.send(turn.text("membership.error.reason"))
        return
    await _decide(turn, actor, int(draft["membership_id"]), approve=False, reason=text)


async def _decide(turn: Turn, actor: roles.Actor, membership_id: int, *, approve: bool, reason: str | None) -> None:
    end_screen(turn)
    try:
        decision = await memberships.decide(
            turn.session, actor, membership_id=membership_id, approve=approve, reason=reason,
            zone=turn.services.zone, now=turn.now,
        )
        await notices.queue(turn.session, filter(None, [decision.notice]), zone=turn.services.zone, now=turn.now)
    except roles.Refused:
        turn.send(turn.text("staff.refused"))
        return
    except Refusal as error:
        turn.send(turn.text(f"membership.error.{error.reason}"))
        return
    turn.send(turn.text("membership.decided.approved" if approve else "membership.decided.declined"))
