"""Who may decide an Alzheimer-centre membership: the staff of that centre, managers and admins;
staff of another centre and citizens may not, and a refused decision leaves it pending."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from tests_staff_support import NOW, SECRET, join, make_person

# The membership service and the permission check, imported here only.
from services import memberships as membership_service
from services.roles import Refused, actor_for
from storage.models import AuditEntry, Membership

ZONE = ZoneInfo("Europe/Istanbul")
CENTRE = "karsiyaka-alzheimer"


async def _pending(session, user_id: int, name: str) -> int:
    person = await make_person(session, user_id)
    person.health_consent_at = NOW
    membership = await membership_service.apply(
        session, person=person, centre_id=CENTRE, relation="family", member_name=name, birth_date=date(1947, 2, 3),
        contact_preference="telegram", secret=SECRET, now=NOW,
    )
    return membership.id


async def _decide(session, actor, membership_id: int, approve: bool) -> Membership:
    decision = await membership_service.decide(
        session, actor, membership_id=membership_id, approve=approve, reason=None if approve else "Kontenjan dolu",
        zone=ZONE, now=NOW,
    )
    return decision.membership


async def test_the_staff_of_the_alzheimer_centre_decide_its_memberships(db, crew) -> None:
    async with db.sessions.begin() as session:
        member = await actor_for(session, await join(session, "staff", CENTRE, 9010))
        approved = await _decide(session, member, await _pending(session, 6101, "Ayten Yıldız"), approve=True)
        declined = await _decide(session, member, await _pending(session, 6102, "Rıza Kurt"), approve=False)
        assert (approved.status, approved.decided_by, approved.approved_on) == ("approved", member.staff_id, date(2026, 11, 25))
        assert (declined.status, declined.decided_by, declined.decline_reason) == ("declined", member.staff_id, "Kontenjan dolu")
        by_manager = await _decide(session, crew.manager, await _pending(session, 6103, "Sevim Ak"), approve=True)
        assert by_manager.status == "approved"


@pytest.mark.parametrize("approve", [True, False])
async def test_staff_of_another_centre_and_citizens_cannot_decide(db, crew, approve: bool) -> None:
    async with db.sessions.begin() as session:
        membership_id = await _pending(session, 6104, "Nuri Eren")
        for outsider in (crew.konak, crew.elsewhere, None):
            with pytest.raises(Refused):
                await _decide(session, outsider, membership_id, approve=approve)
        membership = await session.get(Membership, membership_id)
        assert membership is not None and (membership.status, membership.decided_by) == ("pending", None)
        audited = (await session.execute(select(AuditEntry).where(AuditEntry.object_type == "membership"))).scalars().all()
        assert audited == []
