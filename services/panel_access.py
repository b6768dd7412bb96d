"""Signing in to the web panel through the bot, without passwords.

A staff member asks the bot for a link; its token is random, single-use and valid for ten
minutes. Redeeming it starts a session whose cookie token is random too. Only SHA-256 hashes
of both tokens are stored, so a copy of the database signs nobody in. A session ends after 30
idle minutes, after 8 hours whatever happens, on sign-out, and at once when the member is
revoked (the member is also read again on every request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.refusal import Refusal
from services.roles import Actor, actor_for, require
from storage.models import PanelLink, PanelSession, StaffMember
from storage.repositories import audit
from storage.rowcount import changed_rows

LINK_LIFETIME = timedelta(minutes=10)
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=8)
# At most this many links per member within the window: a lost phone cannot mint links in bulk.
LINKS_PER_WINDOW = 3
LINK_WINDOW = timedelta(minutes=10)
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What the database keeps of a link or session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """The form token of a session: derived from its cookie, so it is per session and never stored."""
    return hmac.new(session_token.encode(), b"kentbot panel form", hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(session_token), given)


async def issue_link(session: AsyncSession, actor: Actor | None, now: datetime) -> str:
    """A new sign-in link token for `actor`; Refusal("rate") when they asked too often."""
    actor = require(actor, "panel.open")
    recent = (
        await session.execute(
            select(func.count()).select_from(PanelLink)
            .where(PanelLink.staff_id == actor.staff_id, PanelLink.created_at > now - LINK_WINDOW)
        )
    ).scalar_one()
    if recent >= LINKS_PER_WINDOW:
        raise Refusal("rate")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(PanelLink(token_hash=token_hash(token), staff_id=actor.staff_id, created_at=now,
                          expires_at=now + LINK_LIFETIME, used_at=None))
    await session.flush()
    return token


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> str | None:
    """A new session's cookie token for a link still unused and unexpired, of a member still
    active; None otherwise. The link is used up either way once found."""
    link = (
        await session.execute(select(PanelLink).where(PanelLink.token_hash == token_hash(token)).with_for_update())
    ).scalar_one_or_none()
    if link is None or link.used_at is not None:
        return None
    link.used_at = now
    member = await session.get(StaffMember, link.staff_id)
    if now >= link.expires_at or member is None or not member.active:
        return None
    session_token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(PanelSession(token_hash=token_hash(session_token), staff_id=member.id, created_at=now,
                             last_seen_at=now, ended_at=None))
    await audit.append(session, at=now, actor=f"web:staff:{member.id}", action="panel.sign_in", object_type="staff",
                       object_id=str(member.id))
    await session.flush()
    return session_token


async def signed_in(session: AsyncSession, session_token: str | None, now: datetime) -> Actor | None:
    """The member behind a session cookie, read now and marked as acting on the web; None when
    the session is unknown, ended, idle too long, too old, or the member was revoked."""
    if not session_token:
        return None
    row = await session.get(PanelSession, token_hash(session_token))
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at >= IDLE_LIMIT or now - row.created_at >= ABSOLUTE_LIMIT:
        row.ended_at = now
        return None
    member = await session.get(StaffMember, row.staff_id)
    if member is None or not member.active:
        row.ended_at = now
        return None
    row.last_seen_at = now
    return await actor_for(session, member, via="web")


async def sign_out(session: AsyncSession, session_token: str, now: datetime) -> None:
    """End the session, audited as `panel.sign_out` when it was still open."""
    row = await session.get(PanelSession, token_hash(session_token))
    if row is None or row.ended_at is not None:
        return
    row.ended_at = now
    await audit.append(session, at=now, actor=f"web:staff:{row.staff_id}", action="panel.sign_out", object_type="staff",
                       object_id=str(row.staff_id))


async def end_sessions_of(session: AsyncSession, staff_id: int, now: datetime) -> int:
    """End every open session of a member (on revocation); returns how many."""
    ended = await session.execute(
        update(PanelSession).where(PanelSession.staff_id == staff_id, PanelSession.ended_at.is_(None)).values(ended_at=now)
    )
    return changed_rows(ended)
