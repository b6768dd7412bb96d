"""`kentbot invite`: invite identified people (attendees, members) to a survey, through the outbox.

Only people who chose an identified service are in the `people` table; anonymous respondents
are never stored, so they can never be reached by a campaign. People who blocked the bot,
opted out of survey invitations, or already answered this period are skipped. A person gets
one invitation per survey and period, whatever sends it (the dedupe key is shared with the
invitations after an activity). A dry run does everything in a transaction and rolls it back,
so its numbers are exactly what a real run would do.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.chat.conversation.deep_links import make_payload
from bot.config import Settings
from bot.i18n import t
from bot.progress import progress_bar
from bot.services import build_services
from storage.models import Attendance, Event, Membership, Person
from storage.repositories import audit, outbox, participation
from storage.repositories import invitations as invitation_store
from storage.repositories.invitations import invitation_key
from surveys.definition import SurveyDefinition
from surveys.periods import period_of

OUTCOMES = ("queued", "already_invited", "answered", "opted_out", "unreachable")


@dataclass(frozen=True)
class Campaign:
    survey: SurveyDefinition
    audience: str
    since: date
    period: str
    bot_username: str
    today: date  # in the municipality's time zone: the day invitations are recorded under


async def audience(session: AsyncSession, who: str, since_start: datetime, since: date) -> list[Person]:
    """Attendees: linked attendance at an activity since the date. Members: memberships approved since it."""
    ids: set[int | None] = set()  # an erased member's approved membership gives None
    if who in ("attendees", "all"):
        attended = (
            select(Attendance.person_id)
            .join(Event, Event.id == Attendance.event_id)
            .where(Attendance.person_id.is_not(None), Event.starts_at >= since_start)
        )
        ids.update((await session.execute(attended)).scalars())
    if who in ("members", "all"):
        approved = select(Membership.person_id).where(Membership.status == "approved", Membership.approved_on >= since)
        ids.update((await session.execute(approved)).scalars())
    if not ids:
        return []
    return list((await session.execute(select(Person).where(Person.id.in_(ids)).order_by(Person.id))).scalars())


def invitation(person: Person, campaign: Campaign) -> dict[str, object]:
    """The message names no topic: a phone may be read by someone else."""
    link = f"https://t.me/{campaign.bot_username}?start={make_payload(campaign.survey)}"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(person.language, "campaign.invite.open"), url=link)],
            [InlineKeyboardButton(t(person.language, "campaign.invite.stop"), callback_data=pack("optout", "surveys"))],
        ]
    )
    return {"text": t(person.language, "campaign.invite.text"), "reply_markup": keyboard.to_dict()}


async def run_campaign(
    session: AsyncSession, campaign: Campaign, *, secret: bytes, now: datetime, since_start: datetime,
    on_person: Callable[[int, int], None] = lambda done, total: None,
) -> Counter[str]:
    """Queue the invitations; returns how many people fell in each outcome. `on_person(done,
    total)` is told after each person, for a terminal's progress bar."""
    outcomes: Counter[str] = Counter()
    people = await audience(session, campaign.audience, since_start, campaign.since)
    on_person(0, len(people))
    for done, person in enumerate(people, start=1):
        outcomes[await _invite(session, campaign, person, secret=secret, now=now)] += 1
        on_person(done, len(people))
    return outcomes


async def _invite(session: AsyncSession, campaign: Campaign, person: Person, *, secret: bytes, now: datetime) -> str:
    """Queue one person's invitation, or say why not: one of OUTCOMES."""
    defn = campaign.survey
    if person.unreachable_at is not None:
        return "unreachable"
    if person.survey_invites_opt_out_at is not None:
        return "opted_out"
    if await participation.answered(session, secret, defn.id, defn.anonymity, campaign.period, person.telegram_user_id):
        return "answered"
    queued = await outbox.enqueue(
        session,
        dedupe_key=invitation_key(defn.id, campaign.period, person.id),
        chat_id=person.telegram_user_id,
        kind="survey_invitation",
        payload=invitation(person, campaign),
        not_before=now,
        now=now,
    )
    if not queued:
        return "already_invited"
    await invitation_store.record(
        session, dedupe_key=invitation_key(defn.id, campaign.period, person.id), survey_id=defn.id,
        anonymous=defn.anonymity == "anonymous", period=campaign.period, source=campaign.audience,
        centre_id=None, today=campaign.today,
    )
    return "queued"


def _refusal(survey_id: str, since: date, bot_username: str | None, surveys: dict[str, SurveyDefinition], today: date) -> str | None:
    if survey_id not in surveys:
        return f"unknown survey {survey_id!r}; known: {', '.join(sorted(surveys))}"
    if surveys[survey_id].sensitive:
        return (
            f"{survey_id} is a sensitive survey: an unasked-for message could reveal its topic to whoever "
            "reads the phone, so it is offered only where the person already is (QR posters, the centre)"
        )
    if since > today:
        return f"--since {since.isoformat()} is in the future"
    if not bot_username:
        return "the deep link needs the bot's username: pass --bot-username or set KENTBOT_BOT_USERNAME"
    return None


async def invite(settings: Settings, survey_id: str, who: str, since: date, *, dry_run: bool, bot_username: str | None) -> int:
    services = build_services(settings)
    try:
        now = services.clock()
        today = now.astimezone(services.zone).date()
        username = (bot_username or settings.bot_username or "").lstrip("@")
        refusal = _refusal(survey_id, since, username, services.surveys, today)
        if refusal:
            print(f"kentbot: {refusal}", file=sys.stderr)
            return 1
        defn = services.surveys[survey_id]
        campaign = Campaign(defn, who, since, period_of(defn.period, today), username, today)
        since_start = datetime.combine(since, time.min, tzinfo=services.zone)
        async with services.sessions() as session:
            transaction = await session.begin()
            with progress_bar("counting invitations (dry run)" if dry_run else "queueing invitations") as bar:
                outcomes = await run_campaign(
                    session, campaign, secret=services.secret, now=now, since_start=since_start, on_person=bar.update,
                )
            if dry_run:
                await transaction.rollback()
            else:
                await audit.append(
                    session, at=now, actor="cli", action="campaign.invite", object_type="survey", object_id=defn.id,
                    after={"audience": who, "since": since.isoformat(), "period": campaign.period, **{k: outcomes[k] for k in OUTCOMES}},
                )
                await transaction.commit()
    finally:
        await services.close()
    print(report(campaign, outcomes, dry_run=dry_run))
    return 0


def report(campaign: Campaign, outcomes: Counter[str], *, dry_run: bool) -> str:
    verb = "would be queued" if dry_run else "queued"
    selected = sum(outcomes.values())
    return (
        f"{campaign.survey.id} ({campaign.period}), {campaign.audience} since {campaign.since.isoformat()}: "
        f"{selected} people; {outcomes['queued']} invitations {verb}; skipped: "
        f"{outcomes['already_invited']} already invited, {outcomes['answered']} already answered, "
        f"{outcomes['opted_out']} opted out, {outcomes['unreachable']} unreachable"
        + (" (dry run: nothing was changed)" if dry_run else "")
    )
