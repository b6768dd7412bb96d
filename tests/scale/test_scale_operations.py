"""Operations: survey invitation campaigns, backups, retention, on real databases and files."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest
from scale_support import NOW, environment
from sqlalchemy import func, select, text

from bot.cli import main
from bot.commands.backup import backup
from bot.commands.campaign import invite
from bot.config import load_settings
from bot.retention import run_once, run_retention
from bot.services import build_services
from storage.centres import load_centres
from storage.models import (
    Attendance,
    AuditEntry,
    Citizen,
    Conversation,
    Event,
    Membership,
    OutboxMessage,
    Person,
    ProcessedUpdate,
    SurveyInvitationRecord,
)
from storage.pseudonyms import respondent_key
from storage.repositories import centres, outbox
from storage.repositories import surveys as survey_store
from surveys.periods import period_of

BOT = "kentbot_izmir_bot"


def settings_for(db, tmp_path, **extra: str):  # type: ignore[no-untyped-def]
    return load_settings(**environment(db.url, "http://unused.invalid", tmp_path, **extra))


async def people_world(db, secret: bytes) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Attendees of a recent and an old activity, members, someone unreachable, someone opted out."""
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        centre = load_centres()[0].id

        def person(n: int, lang: str = "tr", **extra: object) -> Person:
            return Person(citizen_key=f"c{n}", telegram_user_id=n, display_name=f"P{n}", language=lang, created_at=NOW, **extra)

        people = {
            "attendee": person(901, "ar"),
            "old_attendee": person(902),
            "member": person(903, "en"),
            "both": person(904),
            "blocked": person(905, unreachable_at=NOW),
            "opted_out": person(906, survey_invites_opt_out_at=NOW),
            "answered": person(907),
            "nobody": person(908),
        }
        session.add_all(people.values())
        await session.flush()
        recent = Event(centre_id=centre, type="disability_activity", title="Atölye", starts_at=datetime(2026, 11, 10, 9, tzinfo=timezone.utc), created_at=NOW)
        old = Event(centre_id=centre, type="disability_activity", title="Eski", starts_at=datetime(2026, 1, 10, 9, tzinfo=timezone.utc), created_at=NOW)
        session.add_all([recent, old])
        await session.flush()
        for name, event in (("attendee", recent), ("old_attendee", old), ("both", recent), ("blocked", recent), ("opted_out", recent), ("answered", recent)):
            session.add(Attendance(event_id=event.id, beneficiary_key=f"b-{name}", person_id=people[name].id, kind="registered", recorded_at=NOW))
        for name in ("member", "both"):
            session.add(Membership(
                person_id=people[name].id, centre_id=centre, relation="self", member_name="X", identity_key=f"i-{name}",
                contact_preference="telegram", status="approved", approved_on=date(2026, 11, 2), created_at=NOW,
            ))
        return {name: p.id for name, p in people.items()}


async def test_an_invitation_campaign_reaches_each_reachable_person_once(db, tmp_path, capsys) -> None:
    settings = settings_for(db, tmp_path, KENTBOT_BOT_USERNAME=BOT)
    services = build_services(settings)
    ids = await people_world(db, services.secret)
    # 907 already answered this period: the campaign must not ask again.
    defn = services.surveys["disability_centre"]
    today = services.clock().astimezone(services.zone).date()
    label = period_of(defn.period, today)
    async with db.sessions.begin() as session:
        await survey_store.register_definition(
            session, survey_id=defn.id, version=defn.version, content_hash="h", indicator=defn.indicator,
            anonymity=defn.anonymity, definition={}, now=NOW,
        )
        await survey_store.save_response(session, survey_store.NewResponse(
            survey_id=defn.id, survey_version=defn.version, period=label,
            respondent_key=respondent_key(services.secret, defn.id, 907), language="tr",
            completed_on=today, completed_at=None, answers={}, centre_id=None, respondent_role=None, satisfied=True, score=5,
        ))
    await services.close()

    assert await invite(settings, "disability_centre", "all", date(2026, 11, 1), dry_run=True, bot_username=None) == 0
    dry = capsys.readouterr().out
    assert "6 people; 3 invitations would be queued" in dry and "1 already answered, 1 opted out, 1 unreachable" in dry
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0

    assert await invite(settings, "disability_centre", "all", date(2026, 11, 1), dry_run=False, bot_username=None) == 0
    assert "3 invitations queued" in capsys.readouterr().out
    assert await invite(settings, "disability_centre", "attendees", date(2026, 11, 1), dry_run=False, bot_username=None) == 0
    assert "0 invitations queued; skipped: 2 already invited" in capsys.readouterr().out
    async with db.sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.chat_id))).scalars().all()
        audit = (await session.execute(select(AuditEntry).where(AuditEntry.action == "campaign.invite"))).scalars().all()
    assert [row.chat_id for row in rows] == [901, 903, 904]
    arabic = rows[0].payload
    assert "استبيان" in arabic["text"]
    link = arabic["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link == f"https://t.me/{BOT}?start=disability_centre"
    assert {row.dedupe_key for row in rows} == {f"survey-invite:disability_centre:{label}:{ids[n]}" for n in ("attendee", "member", "both")}
    assert [entry.after["queued"] for entry in audit] == [3, 0]
    # Each invitation keeps what sent it (the campaign to all, neither the dry run nor the second
    # campaign that found them invited already) for the response rates.
    async with db.sessions() as session:
        records = (await session.execute(select(SurveyInvitationRecord))).scalars().all()
    assert sorted((r.dedupe_key, r.source, r.invited_on) for r in records) == sorted(
        (row.dedupe_key, "all", today) for row in rows)


async def test_campaigns_refuse_sensitive_surveys_and_bad_input(db, tmp_path, capsys) -> None:
    settings = settings_for(db, tmp_path)
    assert await invite(settings, "women_support", "all", date(2026, 11, 1), dry_run=True, bot_username=BOT) == 1
    assert "sensitive" in capsys.readouterr().err
    assert await invite(settings, "nope", "all", date(2026, 11, 1), dry_run=True, bot_username=BOT) == 1
    assert "unknown survey 'nope'" in capsys.readouterr().err
    assert await invite(settings, "disability_centre", "all", date(2026, 11, 1), dry_run=True, bot_username=None) == 1
    assert "KENTBOT_BOT_USERNAME" in capsys.readouterr().err


def test_the_invite_command_names_a_bad_date() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["invite", "--survey", "disability_centre", "--to", "all", "--since", "dün"])
    assert exit_.value.code == 2


async def test_backup_copies_a_live_sqlite_database(db, tmp_path, capsys) -> None:
    settings = settings_for(db, tmp_path)
    out = tmp_path / "backups" / "kentbot-2026-11-25.sqlite3"
    if db.backend == "postgresql":
        assert backup(settings, str(out)) == 1
        err = capsys.readouterr().err
        assert "pg_dump --format=custom" in err and "KENTBOT_SECRET" in err and not out.exists()
        return
    async with db.sessions.begin() as session:
        session.add(Citizen(key="k1", language="tr", created_at=NOW))
    # A writer holds the database while the copy is taken: the copy is still a consistent snapshot.
    async with db.sessions() as writer:
        await writer.begin()
        writer.add(Citizen(key="k2", language="en", created_at=NOW))
        await writer.flush()
        assert backup(settings, str(out)) == 0
        await writer.rollback()
    async with db.sessions() as session:
        live_schema = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    with sqlite3.connect(out) as copy:
        assert copy.execute("SELECT key FROM citizens").fetchall() == [("k1",)]
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == live_schema
    assert backup(settings, str(out)) == 2  # a refusal
    assert "exists" in capsys.readouterr().err


async def test_retention_removes_only_what_is_past_its_time_and_is_audited(db, tmp_path) -> None:
    settings = settings_for(db, tmp_path, KENTBOT_RETENTION_DAYS="30")
    old, recent = NOW - timedelta(days=31), NOW - timedelta(days=29)
    async with db.sessions.begin() as session:
        session.add_all([Citizen(key=k, language="tr", created_at=old) for k in ("a", "b")])
        await session.flush()
        session.add_all([
            Conversation(citizen_key="a", state={"screen": "survey"}, message_ids=[], updated_at=old),
            Conversation(citizen_key="b", state={"screen": "survey"}, message_ids=[], updated_at=recent),
            ProcessedUpdate(update_id=1, processed_at=NOW - timedelta(days=3)),
            ProcessedUpdate(update_id=2, processed_at=NOW - timedelta(hours=47)),
        ])
        for key, status, sent_at in (("s-old", "sent", old), ("s-new", "sent", recent), ("f-old", "failed", None)):
            await outbox.enqueue(session, dedupe_key=key, chat_id=1, kind="notice", payload={"text": "x"}, not_before=old, now=old)
            await session.execute(
                OutboxMessage.__table__.update().where(OutboxMessage.dedupe_key == key).values(status=status, sent_at=sent_at)
            )
    async with db.sessions.begin() as session:
        removed = await run_retention(session, NOW, 30)
    assert (removed.conversations, removed.update_ids, removed.outbox_rows) == (1, 1, 1)
    async with db.sessions() as session:
        assert (await session.execute(select(Conversation.citizen_key))).scalars().all() == ["b"]
        assert (await session.execute(select(ProcessedUpdate.update_id))).scalars().all() == [2]
        assert sorted((await session.execute(select(OutboxMessage.dedupe_key))).scalars().all()) == ["f-old", "s-new"]
        # Citizens keep their language and consent: only the conversation went.
        assert (await session.execute(select(func.count()).select_from(Citizen))).scalar_one() == 2
        entry = (await session.execute(select(AuditEntry).where(AuditEntry.action == "retention.run"))).scalar_one()
    assert entry.after == {"conversations": 1, "update_ids": 1, "outbox_rows": 1, "conversation_days": 30}

    services = build_services(settings)
    try:
        # The hourly job in several workers: one run per window, whoever ticks first.
        assert await run_once(services) is not None
        assert await run_once(services) is None
    finally:
        await services.close()
