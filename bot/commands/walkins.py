"""`kentbot attendance walkins|merge-walkin|unmerge-walkin`: find the walk-ins typed with a name
at a centre and the registered people seen there under a similar name, merge a walk-in with the
person it turned out to be (so 4.2.8 counts them once), and undo it. Both are in the audit log
under the operating-system user who ran the command."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from bot.commands.results import UnknownChoice, known_centre
from bot.commands.staff import cli_actor, transaction
from bot.config import Settings
from bot.i18n import t
from services import walkins
from services.events import local_text
from services.refusal import Refusal


def _refused(action: str, error: Refusal) -> int:
    print(f"kentbot: attendance {action}: {t('en', f'events.error.{error.reason}')}", file=sys.stderr)
    return 2


async def list_candidates(settings: Settings, *, centre: str, name: str) -> int:
    """One line per walk-in (id, attendances, last event) and per similar registered person
    (id, name, last event): the ids merge-walkin takes."""
    try:
        known_centre(centre)
    except UnknownChoice as error:
        print(f"kentbot: attendance walkins: {error}", file=sys.stderr)
        return 2
    zone = settings.zone
    try:
        async with transaction(settings) as session:
            found = await walkins.candidates(
                session, cli_actor(), centre_id=centre, name=name, secret=settings.resolved_secret()
            )
    except Refusal as error:
        return _refused("walkins", error)
    for w in found.walkins:
        last = f"{local_text(w.last_at, zone)}\t{w.last_title}" if w.last_at else "-\t-"
        print(f"walkin\t{w.walkin_id}\t{w.attended} attendances\tlast {last}")
    for p in found.people:
        print(f"person\t{p.person_id}\t{p.display_name}\tlast {local_text(p.last_at, zone)}\t{p.last_title}")
    if not found.walkins:
        print(f"no unmerged walk-in with this name at {centre}", file=sys.stderr)
    return 0


async def merge(settings: Settings, *, walkin_id: int, person_id: int) -> int:
    try:
        async with transaction(settings) as session:
            merged = await walkins.merge_walkin(
                session, cli_actor(), walkin_id=walkin_id, person_id=person_id, secret=settings.resolved_secret(),
                now=datetime.now(timezone.utc),
            )
    except Refusal as error:
        return _refused("merge-walkin", error)
    print(
        f"walk-in {merged.walkin_id} merged with person {merged.person_id}: {merged.moved} attendances moved, "
        f"{merged.folded} at an event the person also attended joined"
    )
    return 0


async def unmerge(settings: Settings, *, walkin_id: int) -> int:
    try:
        async with transaction(settings) as session:
            rows = await walkins.unmerge_walkin(session, cli_actor(), walkin_id=walkin_id, now=datetime.now(timezone.utc))
    except Refusal as error:
        return _refused("unmerge-walkin", error)
    print(f"walk-in {walkin_id} counted on its own again: {rows} attendances")
    return 0
