"""Erasing a person on request (/forget, or a declined consent): everything linked to them goes,
and what must stay counted stays without them (docs/privacy.md, "Erasure")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat import notices
from services import registrations
from services.attendance import person_key
from storage.repositories import citizens, outbox
from storage.repositories import erasure as store
from storage.repositories import events as event_store
from storage.repositories import walkins as walkin_store


@dataclass(frozen=True)
class Erasure:
    """What was removed and what stays, counted, so the person can be told plainly."""

    profile: bool = False
    conversation: bool = False
    contact: bool = False  # name, Telegram number, phone, health-data consent
    registrations: int = 0
    memberships: int = 0
    messages: int = 0  # waiting to be sent (never will be) or sent, with their text and chat
    responses: int = 0
    nameless_attendance: bool = False  # places and attendance at events that have begun
    nameless_memberships: int = 0


async def erase_person(
    session: AsyncSession,
    *,
    key: str,
    telegram_user_id: int,
    secret: bytes,
    respondent_keys: list[str],
    zone: ZoneInfo,
    now: datetime,
) -> Erasure:
    person = await event_store.person_by_telegram(session, telegram_user_id)
    removed_registrations = nameless_places = removed_memberships = kept_memberships = 0
    if person is not None:
        for registration, event in await store.registrations_of(session, person.id):
            if store.counts_for_the_event(registration, event, now):
                await store.make_registration_nameless(session, registration.id)
                nameless_places += 1
                continue
            if registration.status == "confirmed" and event.status == "published":
                # The place is given to the first on the waiting list, who is told.
                promotion = await registrations.cancel(session, event_id=event.id, person_id=person.id, now=now)
                if promotion is not None:
                    await notices.queue(session, [promotion.notice], zone=zone, now=now)
            await store.delete_registration(session, registration.id)
            removed_registrations += 1
        removed_memberships, kept_memberships = await store.erase_memberships(session, person.id)
    attended = await store.make_attendance_nameless(
        session, person.id if person is not None else None, person_key(secret, telegram_user_id)
    )
    if person is not None:
        # Walk-ins merged into the person were them: their rows are now nameless with the rest.
        await walkin_store.forget_linked(session, person.id)
    messages = await outbox.erase_chat(session, telegram_user_id)
    erased = await citizens.erase(session, key, respondent_keys)
    return Erasure(
        profile=erased.profile,
        conversation=erased.conversation,
        contact=erased.identified_records > 0,
        registrations=removed_registrations,
        memberships=removed_memberships,
        messages=messages.cancelled + messages.removed,
        responses=erased.responses,
        nameless_attendance=attended + nameless_places > 0,
        nameless_memberships=kept_memberships,
    )
