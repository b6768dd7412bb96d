"""`kentbot setup`, `kentbot staff invite|list|revoke|add-centre|remove-centre` and `kentbot entry milestone|correct|list`:
the IT team's side of staff accounts and manual indicator entries. The actor in the audit log is the
operating-system user who ran the command."""

from __future__ import annotations

import getpass
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import t
from services import entries, invites, staff_accounts
from services.refusal import Refusal
from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.repositories import centres
from storage.repositories import entries as entry_store
from storage.repositories import staff as staff_store


def cli_actor() -> str:
    return f"cli:{getpass.getuser()}"


@asynccontextmanager
async def transaction(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One transaction on the configured database, with the centres file applied first."""
    engine = create_engine(settings.resolved_database_url())
    try:
        async with session_factory(engine).begin() as session:
            await centres.sync(session, load_centres())
            yield session
    finally:
        await engine.dispose()


async def invite(settings: Settings, *, role: str, centre: str | None, hours: float, bot_username: str) -> int:
    now = datetime.now(timezone.utc)
    try:
        async with transaction(settings) as session:
            created = await invites.create(session, role=role, centre_id=centre, hours=hours, actor=cli_actor(), now=now)
    except Refusal as error:
        print(f"kentbot: {error}", file=sys.stderr)
        return 1
    print(created.link(bot_username))
    until = created.expires_at.astimezone(settings.zone)
    print(f"single use, valid until {until:%Y-%m-%d %H:%M} {until.tzname()} ({settings.zone.key})")
    return 0


NEXT_STEPS = """\
Next:
  1. Start the bot and leave it running: kentbot run
     (or your service, e.g. systemctl start kentbot; it answers only while it runs)
  2. Open the link above in Telegram, on the account that will manage kentbot, and press Start.
     That account becomes the admin. The link works once, until {until}.
  3. In the same chat, send /abone (or /subscribe) to receive the weekly report.
Then invite managers and staff with `kentbot staff invite`, or from the bot's staff menu."""


async def setup(settings: Settings, *, hours: float, bot_username: str) -> int:
    """The first admin's invite, once: with an admin in place, invites are theirs to make."""
    now = datetime.now(timezone.utc)
    async with transaction(settings) as session:
        admins = [member for member in await staff_store.members(session) if member.role == "admin" and member.active]
        if admins:
            print(
                f"kentbot: kentbot is set up already: {len(admins)} admin(s) (see `kentbot staff list`); "
                "invite others with `kentbot staff invite`",
                file=sys.stderr,
            )
            return 2
        created = await invites.create(session, role="admin", centre_id=None, hours=hours, actor=cli_actor(), now=now)
    until = created.expires_at.astimezone(settings.zone)
    print("The first admin's invite link:")
    print(f"  {created.link(bot_username)}")
    print(NEXT_STEPS.format(until=f"{until:%Y-%m-%d %H:%M} ({settings.zone.key})"))
    return 0


async def list_staff(settings: Settings) -> int:
    async with transaction(settings) as session:
        for member in await staff_store.members(session):
            centre_ids = ",".join(await staff_store.centres_of(session, member.id)) or "-"
            state = "active" if member.active else f"revoked {member.revoked_at:%Y-%m-%d}" if member.revoked_at else "revoked"
            print(f"{member.id}\t{member.role}\t{state}\t{centre_ids}\t{member.display_name}")
    return 0


async def revoke(settings: Settings, staff_id: int) -> int:
    try:
        async with transaction(settings) as session:
            await invites.revoke(session, staff_id=staff_id, actor=cli_actor(), now=datetime.now(timezone.utc))
    except Refusal as error:
        print(f"kentbot: {error}", file=sys.stderr)
        return 1
    print(f"staff member {staff_id} revoked; their staff menu is removed by the running bot within a minute")
    return 0


CENTRE_REFUSALS = {
    "member_unknown": "there is no staff member {staff_id} (see `kentbot staff list`)",
    "member_revoked": "staff member {staff_id} is revoked",
    "centre_unknown": "unknown or closed centre {centre!r} (see `kentbot centre list`)",
    "centre_had": "staff member {staff_id} already has centre {centre!r}",
    "centre_not_had": "staff member {staff_id} does not have centre {centre!r}",
    "centre_last": "centre {centre!r} is the last of staff member {staff_id}; centre staff keep one (revoke them instead)",
}


async def change_centre(settings: Settings, *, staff_id: int, centre: str, add: bool) -> int:
    change = staff_accounts.add_centre if add else staff_accounts.remove_centre
    try:
        async with transaction(settings) as session:
            held = await change(session, staff_id=staff_id, centre_id=centre, actor=cli_actor(), now=datetime.now(timezone.utc))
    except Refusal as error:
        print(f"kentbot: {CENTRE_REFUSALS[error.reason].format(staff_id=staff_id, centre=centre)}", file=sys.stderr)
        return 1
    print(f"staff member {staff_id} now acts for: {', '.join(held) or '-'}")
    return 0


async def milestone(settings: Settings, *, code: str, centre: str, on: date, note: str) -> int:
    try:
        async with transaction(settings) as session:
            entry = await entries.add_milestone(
                session, cli_actor(), code=code, centre_id=centre, completed_on=on, note=note, now=datetime.now(timezone.utc),
                today=datetime.now(settings.zone).date(),
            )
            print(f"entry {entry.id}: {code} {centre} completed {on.isoformat()}")
    except Refusal as error:
        print(f"kentbot: milestone refused: {t('en', f'entries.error.{error.reason}')}", file=sys.stderr)
        return 2
    return 0


async def correct(settings: Settings, *, entry_id: int, quantity: float, on: date | None, reason: str) -> int:
    try:
        async with transaction(settings) as session:
            entry = await entries.correct(
                session, cli_actor(), entry_id=entry_id, quantity=quantity, occurred_on=on, note=None, reason=reason,
                now=datetime.now(timezone.utc), today=datetime.now(settings.zone).date(),
            )
            print(f"entry {entry.id} corrects entry {entry_id}")
    except Refusal as error:
        print(f"kentbot: correction refused: {t('en', f'entries.error.{error.reason}')}", file=sys.stderr)
        return 2
    return 0


async def list_entries(settings: Settings, code: str | None) -> int:
    async with transaction(settings) as session:
        for entry in await entry_store.effective(session, code):
            corrects = f"corrects {entry.corrects_entry_id}: {entry.reason}" if entry.corrects_entry_id else ""
            print(
                f"{entry.id}\t{entry.indicator_code}\t{entry.centre_id or '-'}\t{entry.occurred_on.isoformat()}\t"
                f"{entry.quantity:g}\t{entry.entered_by}\t{entry.note or ''}\t{corrects}".rstrip()
            )
    return 0
