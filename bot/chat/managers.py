"""Who may read the reports in chat: the manager or admin behind a chat, read on every update,
so a revoked manager loses access at once."""

from __future__ import annotations

from bot.chat.conversation.turn import Turn
from services import roles


async def manager_actor(turn: Turn) -> roles.Actor | None:
    """The manager or admin behind this chat; anyone else is told reports are not theirs."""
    actor = await roles.current(turn.session, turn.user_id)
    if not roles.can(actor, "report.read"):
        turn.send(turn.text("reports.not_allowed"))
        return None
    return actor
