"""Consent per purpose: a survey, events (registration and check-in), a membership, and the
separate explicit consent for health data. Each is asked when first needed, kept on the
person's profile with the notice version and the time, and can be withdrawn on its own, so
refusing one never costs another service (KVKK: consent must be freely given and specific).
"""

from __future__ import annotations

from datetime import datetime

from storage.repositories.citizens import Profile

SURVEY, EVENTS, MEMBERSHIP, HEALTH = "survey", "events", "membership", "health"
# Purposes someone is asked for on the notice screen; `HEALTH` is asked inside the survey.
ASKED_WITH_NOTICE = (SURVEY, EVENTS, MEMBERSHIP)
# Bump when the notice changes in substance: everyone is asked again, purpose by purpose.
VERSION = "2026-12"
# Where a carried target leads: an event ("e.<id>"), a check-in QR code, a membership link.
EVENT_TARGET, CHECKIN_TARGET, MEMBERSHIP_TARGET = "e.", "chk_", "uye"


def purpose_of(target: str | None) -> str:
    """The purpose a consent screen asks for, from what the person opened."""
    if target and target.startswith((EVENT_TARGET, CHECKIN_TARGET)):
        return EVENTS
    if target == MEMBERSHIP_TARGET or (target or "").startswith(MEMBERSHIP_TARGET + "__"):
        return MEMBERSHIP
    return SURVEY


def given(profile: Profile | None, purpose: str) -> bool:
    if profile is None:
        return False
    record = profile.consents.get(purpose)
    return isinstance(record, dict) and record.get("version") == VERSION


def any_given(profile: Profile | None) -> bool:
    return any(given(profile, purpose) for purpose in (*ASKED_WITH_NOTICE, HEALTH))


def record(profile: Profile, purpose: str, now: datetime) -> None:
    """A new mapping, so the turn sees the profile changed and saves it."""
    profile.consents = {**profile.consents, purpose: {"version": VERSION, "at": now.isoformat()}}


def withdraw(profile: Profile, purpose: str) -> bool:
    if purpose not in profile.consents:
        return False
    profile.consents = {name: value for name, value in profile.consents.items() if name != purpose}
    return True


def listed(profile: Profile | None) -> list[tuple[str, datetime]]:
    """The purposes currently consented to, with when, in a fixed order."""
    if profile is None:
        return []
    return [
        (purpose, datetime.fromisoformat(profile.consents[purpose]["at"]))
        for purpose in (*ASKED_WITH_NOTICE, HEALTH)
        if given(profile, purpose)
    ]
