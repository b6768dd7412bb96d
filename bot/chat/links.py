"""Deep-link payloads of the staff side, taken before the survey links in /start:
`inv_<code>` (a staff invite), `chk_<event>_<token>` (QR check-in), `uye` or
`uye__<centre>` (Alzheimer-centre membership)."""

from __future__ import annotations

from typing import TypeGuard

from telegram import Update

from bot.chat import citizen_events as chat_citizen_events
from bot.chat import members as chat_members
from bot.chat.conversation.turn import Turn
from bot.chat.members import LINK
from services import invites
from services.attendance import CHECKIN_PREFIX
from services.refusal import Refusal
from storage.centres import shipped_by_id
from storage.repositories import staff as staff_store

PREFIXES = (invites.PAYLOAD_PREFIX, CHECKIN_PREFIX)


def handles(payload: str | None) -> TypeGuard[str]:
    return bool(payload and (payload.startswith(PREFIXES) or payload == LINK or payload.startswith(LINK + "__")))


def for_citizens(payload: str) -> bool:
    """A check-in or membership link: it records the person, so it needs their consent first."""
    return not payload.startswith(invites.PAYLOAD_PREFIX)


async def open_link(turn: Turn, update: Update, payload: str) -> None:
    if payload.startswith(invites.PAYLOAD_PREFIX):
        await redeem(turn, update, payload[len(invites.PAYLOAD_PREFIX) :])
    elif payload.startswith(CHECKIN_PREFIX):
        await chat_citizen_events.check_in(turn, update, payload)
    else:
        await chat_members.begin(turn, update, payload.partition("__")[2] or None)


async def redeem(turn: Turn, update: Update, code: str) -> None:
    user = update.effective_user
    try:
        member = await invites.redeem(
            turn.session, code=code, telegram_user_id=turn.user_id, display_name=(user.full_name if user else "") or "-",
            language=turn.lang, now=turn.now,
        )
    except Refusal as error:
        turn.send(turn.text(f"staff.invite.error.{error.reason}"))
        return
    named = shipped_by_id()
    centres = [
        named[centre].name_in(turn.lang) if centre in named else centre
        for centre in await staff_store.centres_of(turn.session, member.id)
    ]
    turn.state["screen"] = "idle"
    turn.send(
        turn.text(
            "staff.invite.welcome",
            name=member.display_name,
            role=turn.text(f"staff.role.{member.role}"),
            centres=", ".join(centres) if centres else turn.text("staff.centres.all"),
        )
    )
