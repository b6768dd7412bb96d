"""Alzheimer-centre membership applications decided on the panel over real HTTP: the chat's
decision (services.memberships.decide), audited under the chat's action names as made on the web,
and the applicant's neutral notice queued in the outbox exactly as chat queues it; a wrong field
is told beside it and nothing changes; staff decide only their own centre's applications."""

from __future__ import annotations

import re

from panel_support import csrf_in, join, seed_centres, served, signed  # noqa: F401  (served: a fixture)
from sqlalchemy import func, select

from bot.chat.notices import membership_payload
from storage.models import AuditEntry, Membership, OutboxMessage, Person

ALZHEIMER = "karsiyaka-alzheimer"


async def _seed(served) -> dict[str, int]:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        ids = {
            "alzheimer": (await join(session, "staff", ALZHEIMER, 9901, now)).id,
            "konak": (await join(session, "staff", "konak-kadin", 9902, now)).id,
            "manager": (await join(session, "manager", None, 9903, now)).id,
        }
        for number, language in ((1, "ar"), (2, "tr")):
            person = Person(citizen_key=f"citizen-{number}", telegram_user_id=7700 + number, display_name=f"Kişi {number}",
                            language=language, created_at=now, health_consent_at=now)
            session.add(person)
            await session.flush()
            application = Membership(person_id=person.id, centre_id=ALZHEIMER, relation="family",
                                      member_name=f"Üye {number}", identity_key=f"identity-{number}",
                                      contact_preference="telegram", status="pending", created_at=now)
            session.add(application)
            await session.flush()
            ids[f"application_{number}"] = application.id
    return ids


async def _counts(served) -> tuple[int, int]:
    async with served.services.sessions() as session:
        audited = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
        queued = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    return audited, queued


async def test_staff_decide_their_centres_applications_and_the_notice_is_queued_as_in_chat(served) -> None:
    ids = await _seed(served)
    first, second = ids["application_1"], ids["application_2"]
    konak = signed(await served.session_of(ids["konak"]))
    page = await served.client.get("/panel/basvurular", headers=konak)
    assert 'id="no-applications"' in page.text
    refused = await served.client.post(f"/panel/basvurular/{first}", headers=konak,
                                       data={"csrf": csrf_in(page.text), "karar": "onayla"})
    assert refused.status_code == 403

    staff = signed(await served.session_of(ids["alzheimer"]))
    page = await served.client.get("/panel/basvurular", headers=staff)
    assert re.findall(r'<tr data-membership="(\d+)">', page.text) == [str(first), str(second)]
    csrf = csrf_in(page.text)
    before = await _counts(served)
    for form, problem in (({"karar": "reddet", "gerekce": "  "}, "gerekçe yazın"),
                          ({"karar": "reddet", "gerekce": "x" * 501}, "gerekçe yazın"),
                          ({"karar": "belki"}, "Onayla ya da Reddet")):
        wrong = await served.client.post(f"/panel/basvurular/{first}", headers=staff, data={"csrf": csrf, **form})
        assert wrong.status_code == 400
        shown = re.search(rf'id="decision-{first}-error">([^<]+)<', wrong.text)
        assert shown is not None and problem in shown.group(1), wrong.text
    assert await _counts(served) == before

    declined = await served.client.post(f"/panel/basvurular/{first}", headers=staff,
                                        data={"csrf": csrf, "karar": "reddet", "gerekce": "Kontenjan dolu"})
    assert declined.status_code == 303 and declined.headers["location"] == "/panel/basvurular"
    manager = signed(await served.session_of(ids["manager"]))
    approved = await served.client.post(f"/panel/basvurular/{second}", headers=manager,
                                        data={"csrf": csrf_in((await served.client.get("/panel/basvurular", headers=manager)).text),
                                              "karar": "onayla"})
    assert approved.status_code == 303
    again = await served.client.post(f"/panel/basvurular/{first}", headers=staff, data={"csrf": csrf, "karar": "onayla"})
    assert again.status_code == 400 and "zaten karara bağlanmış" in again.text

    async with served.services.sessions() as session:
        decided = {m.id: m for m in (await session.execute(select(Membership))).scalars()}
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.object_type == "membership")
                                         .order_by(AuditEntry.id))).scalars().all()
        queued = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
        people = {p.id: p for p in (await session.execute(select(Person))).scalars()}
    assert (decided[first].status, decided[first].decline_reason, decided[first].decided_by) == (
        "declined", "Kontenjan dolu", ids["alzheimer"])
    assert decided[second].status == "approved" and decided[second].approved_on == served.clock().astimezone(
        served.services.zone).date()
    assert [(e.action, e.actor, e.object_id) for e in entries] == [
        ("membership.decline", f"web:staff:{ids['alzheimer']}", str(first)),
        ("membership.approve", f"web:staff:{ids['manager']}", str(second))]
    assert [(m.dedupe_key, m.chat_id, m.kind) for m in queued] == [
        (f"membership-decided:{first}", 7701, "membership_notice"), (f"membership-decided:{second}", 7702, "membership_notice")]
    for message, membership_id in zip(queued, (first, second)):
        person = people[decided[membership_id].person_id]
        assert message.payload == membership_payload(person.language, decided[membership_id])
    assert 'id="no-applications"' in (await served.client.get("/panel/basvurular", headers=staff)).text
