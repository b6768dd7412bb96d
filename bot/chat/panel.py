"""/panel: a staff member's single-use sign-in link to the web panel, sent in their own chat."""

from __future__ import annotations

from telegram import Update

from bot.chat.conversation.turn import Turn
from services import panel_access, roles
from services.refusal import Refusal

LINK_PATH = "/panel/giris/"


async def send_link(turn: Turn, update: Update) -> None:
    actor = await roles.current(turn.session, turn.user_id)
    if not roles.can(actor, "panel.open"):
        turn.send(turn.text("panel.refused"))
        return
    base = turn.services.settings.public_url
    if base is None:
        turn.send(turn.text("panel.unavailable"))
        return
    try:
        token = await panel_access.issue_link(turn.session, actor, turn.now)
    except Refusal:
        turn.send(turn.text("panel.rate"))
        return
    minutes = int(panel_access.LINK_LIFETIME.total_seconds() // 60)
    turn.send(turn.text("panel.link", url=f"{base}{LINK_PATH}{token}", minutes=minutes))
