"""Membership of the Alzheimer & dementia centre (4.2.11): asked for in the bot by the patient
or a family member, decided by staff, counted by `approved_on` once approved.

Health data needs its own explicit consent (KVKK art. 6), recorded on the person. The member
is recognised by a keyed hash of their normalised name and birth date, so the same person
registered twice is caught without the birth date being stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance import normalise_name
from services.notices import MembershipNotice
from services.refusal import Refusal
from services.roles import Actor, require
from storage.models import Centre, Membership, Person
from storage.pseudonyms import beneficiary_key
from storage.repositories import audit
from storage.repositories import memberships as membership_store

RELATIONS = ("self", "family")
CONTACTS = ("telegram", "phone")
MAX_REASON = 500


@dataclass(frozen=True)
class Decision:
    membership: Membership
    notice: MembershipNotice | None  # None when the applicant's profile is gone


def identity_key(secret: bytes, member_name: str, birth_date: date) -> str:
    return beneficiary_key(secret, "alzheimer-member", f"{normalise_name(member_name)}|{birth_date.isoformat()}")


def _snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "centre_id": membership.centre_id, "relation": membership.relation, "status": membership.status,
        "approved_on": membership.approved_on.isoformat() if membership.approved_on else None,
        "decline_reason": membership.decline_reason,
    }


async def apply(
    session: AsyncSession, *, person: Person, centre_id: str, relation: str, member_name: str, birth_date: date,
    contact_preference: str, secret: bytes, now: datetime,
) -> Membership:
    if person.health_consent_at is None:
        raise Refusal("consent")
    centre = await session.get(Centre, centre_id)
    if centre is None or centre.type != "alzheimer_centre" or not centre.active:
        raise Refusal("centre")
    if relation not in RELATIONS or contact_preference not in CONTACTS:
        raise Refusal("choice")
    if not normalise_name(member_name) or len(member_name) > 200:
        raise Refusal("name")
    if contact_preference == "phone" and not person.phone:
        raise Refusal("phone")
    key = identity_key(secret, member_name, birth_date)
    if await membership_store.live_with_identity(session, key) is not None:
        raise Refusal("duplicate")
    membership = Membership(
        person_id=person.id, centre_id=centre_id, relation=relation, member_name=member_name.strip(),
        identity_key=key, contact_preference=contact_preference, status="pending", created_at=now,
    )
    session.add(membership)
    await session.flush()
    return membership


async def decide(
    session: AsyncSession, actor: Actor | None, *, membership_id: int, approve: bool, reason: str | None,
    zone: ZoneInfo, now: datetime,
) -> Decision:
    """Approve, or decline with a reason; the person is owed a notice either way."""
    membership = await membership_store.for_update(session, membership_id)
    if membership is None:
        raise Refusal("unknown")
    action = "membership.approve" if approve else "membership.decline"
    actor = require(actor, action, membership.centre_id)
    if membership.status != "pending":
        raise Refusal("decided")
    if not approve and (not reason or not reason.strip() or len(reason) > MAX_REASON):
        raise Refusal("reason")
    before = _snapshot(membership)
    membership.status = "approved" if approve else "declined"
    membership.decided_by = actor.staff_id
    membership.decided_at = now
    membership.approved_on = now.astimezone(zone).date() if approve else None
    membership.decline_reason = None if approve or reason is None else reason.strip()
    await audit.append(
        session, at=now, actor=actor.label, action=action, object_type="membership", object_id=str(membership.id),
        before=before, after=_snapshot(membership),
    )
    person = await session.get(Person, membership.person_id)
    notice = MembershipNotice(membership, person, f"membership-decided:{membership.id}") if person is not None else None
    return Decision(membership, notice)
