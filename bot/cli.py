"""The `kentbot` command: run the bot, manage the database, validate surveys, run the demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date

from bot.config import ConfigError, Settings, load_settings
from storage.private_files import OWNER_ONLY_UMASK, own_folder

EXIT_USAGE = 2
# Libraries whose INFO lines are request logs (URLs, with the bot token in them): warnings only.
QUIET_LOGGERS = ("httpx", "alembic", "apscheduler", "aiohttp.access")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kentbot", description="İzmir Target 4.2 indicators bot and back office")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook for workers behind a proxy")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations")
    db_commands.add_parser("check", help="exit 1 unless the schema is up to date")

    survey = commands.add_parser("survey", help="survey definitions")
    survey_commands = survey.add_subparsers(dest="survey_command", required=True)
    validate = survey_commands.add_parser("validate", help="validate survey files (the shipped ones when none given)")
    validate.add_argument("paths", nargs="*")
    link = survey_commands.add_parser("link", help="print the deep link (and write a QR code) for a survey poster")
    link.add_argument("survey")
    link.add_argument("--centre")
    link.add_argument("--bot-username", required=True)
    link.add_argument("--qr", help="write a PNG QR code to this file")

    _report_parsers(commands)

    invite = commands.add_parser("invite", help="invite attendees or members to a survey (through the outbox)")
    invite.add_argument("--survey", required=True, help="survey id, e.g. disability_centre")
    invite.add_argument("--to", required=True, choices=("attendees", "members", "all"), dest="audience")
    invite.add_argument("--since", required=True, type=_date, help="YYYY-MM-DD: attendance or approval on or after")
    invite.add_argument("--bot-username", help="for the deep link (default: KENTBOT_BOT_USERNAME)")
    invite.add_argument("--dry-run", action="store_true", help="only say how many would be invited")

    outbox = commands.add_parser("outbox", help="outgoing messages: status, and the uncertain ones")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_commands.add_parser("status", help="messages per status")
    outbox_commands.add_parser("uncertain", help="list messages a stopped worker may or may not have sent")
    for name, text in (("release", "send these uncertain messages again"), ("settle", "close these uncertain messages as sent")):
        decide = outbox_commands.add_parser(name, help=text)
        decide.add_argument("ids", nargs="+", type=int)

    backup = commands.add_parser("backup", help="copy the SQLite database while the bot runs")
    backup.add_argument("--out", required=True, help="the new backup file")
    commands.add_parser("retention", help="delete what is past its retention time now (also runs hourly)")

    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    invite = staff_commands.add_parser("invite", help="print a single-use invite link")
    invite.add_argument("--role", required=True, choices=("admin", "manager", "staff"))
    invite.add_argument("--centre", help="centre id (required for staff)")
    invite.add_argument("--hours", type=float, default=72)
    invite.add_argument("--bot-username", required=True)
    staff_commands.add_parser("list", help="list staff members")
    revoke = staff_commands.add_parser("revoke", help="take a member's rights away at once")
    revoke.add_argument("staff_id", type=int)

    entry = commands.add_parser("entry", help="manual indicator entries (milestones, corrections)")
    entry_commands = entry.add_subparsers(dest="entry_command", required=True)
    milestone = entry_commands.add_parser("milestone", help="a completed youth (4.2.1) or women's (4.2.6) centre")
    milestone.add_argument("--code", required=True, choices=("4.2.1", "4.2.6"))
    milestone.add_argument("--centre", required=True)
    milestone.add_argument("--on", required=True, type=_day, help="completion date, YYYY-MM-DD")
    milestone.add_argument("--note", required=True, help="evidence, e.g. the acceptance report number")
    correct = entry_commands.add_parser("correct", help="replace an entry by a corrected one")
    correct.add_argument("entry_id", type=int)
    correct.add_argument("--quantity", type=float, required=True, help="0 withdraws the entry")
    correct.add_argument("--on", type=_day)
    correct.add_argument("--reason", required=True)
    entry_list = entry_commands.add_parser("list", help="effective entries")
    entry_list.add_argument("--code")

    event = commands.add_parser("event", help="events")
    event_commands = event.add_subparsers(dest="event_command", required=True)
    event_qr = event_commands.add_parser("qr", help="write the check-in QR code of an event")
    event_qr.add_argument("event_id", type=int)
    event_qr.add_argument("--bot-username", required=True)
    event_qr.add_argument("--out", required=True)

    audit = commands.add_parser("audit", help="list the audit log")
    audit.add_argument("--since", required=True, type=_day, help="YYYY-MM-DD")

    demo = commands.add_parser("demo", help="emulator, real bot, simulated citizens, indicators")
    demo.add_argument("--citizens", type=int, default=240)
    demo.add_argument("--seed", type=int, default=4242)
    demo.add_argument("--out", default="out")
    return parser


def _report_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = commands.add_parser("indicators", help="Target 4.2 actuals and achievement for a year (in percent)")
    listing.add_argument("--year", type=int, required=True)
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    one = commands.add_parser("indicator", help="one indicator and the rows behind its number")
    one.add_argument("code")
    one.add_argument("--year", type=int, required=True)
    report = commands.add_parser("report", help="the report for a period as text, json, xlsx or png")
    report.add_argument("--from", dest="first", type=_day, required=True)
    report.add_argument("--to", dest="last", type=_day, required=True)
    report.add_argument("--format", choices=("text", "json", "xlsx", "png"), default="text")
    report.add_argument("--out", required=True)
    report.add_argument("--lang", choices=("tr", "en", "ar"), default="tr")
    report.add_argument("--year", type=int, help="year of the year-to-date figures (default: that of --to)")
    plan = commands.add_parser("plan", help="planned values and baselines")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    plan_set = plan_commands.add_parser("set", help="set a planned value (audited)")
    plan_set.add_argument("code")
    plan_set.add_argument("--year", type=int, required=True)
    plan_set.add_argument("--planned", type=float, required=True)
    plan_set.add_argument("--baseline", type=float)
    export = commands.add_parser("export", help="exports")
    export_commands = export.add_subparsers(dest="export_command", required=True)
    opendata = export_commands.add_parser("opendata", help="indicator actuals as CSV and JSON, no personal data")
    opendata.add_argument("--year", type=int, required=True)
    opendata.add_argument("--out", required=True)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-28") from None


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever kentbot or a library writes (databases, reports, logs) is the owner's alone.
    os.umask(OWNER_ONLY_UMASK)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if settings.data_dir.is_dir():
            own_folder(settings.data_dir)
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"kentbot: {error}", file=sys.stderr)
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace, settings: object) -> int:
    if args.command == "run":
        from bot.running import StartupError, run

        try:
            run(settings, webhook=args.webhook)  # type: ignore[arg-type]
        except StartupError as error:
            print(f"kentbot: {error}", file=sys.stderr)
            return EXIT_USAGE
        return 0
    if args.command == "db":
        from bot.commands.database import check, upgrade

        return asyncio.run(upgrade(settings) if args.db_command == "upgrade" else check(settings))  # type: ignore[arg-type]
    if args.command == "survey":
        if args.survey_command == "validate":
            from surveys.definition import main_validate

            return main_validate(args.paths)
        from bot.commands.links import survey_link

        return survey_link(args.survey, args.centre, args.bot_username, args.qr)
    if args.command in ("indicators", "indicator", "report", "plan", "export"):
        return _dispatch_reports(args, settings)  # type: ignore[arg-type]
    if args.command == "invite":
        from bot.commands.campaign import invite

        return asyncio.run(
            invite(settings, args.survey, args.audience, args.since, dry_run=args.dry_run, bot_username=args.bot_username)  # type: ignore[arg-type]
        )
    if args.command == "outbox":
        from bot.commands import outbox

        if args.outbox_command in ("release", "settle"):
            return asyncio.run(outbox.decide(settings, args.ids, resend=args.outbox_command == "release"))  # type: ignore[arg-type]
        return asyncio.run(outbox.status(settings) if args.outbox_command == "status" else outbox.uncertain(settings))  # type: ignore[arg-type]
    if args.command == "backup":
        from bot.commands.backup import backup

        return backup(settings, args.out)  # type: ignore[arg-type]
    if args.command == "retention":
        from bot.retention import run_now

        return asyncio.run(run_now(settings))  # type: ignore[arg-type]
    if args.command == "staff":
        from bot.commands import staff

        if args.staff_command == "invite":
            return asyncio.run(staff.invite(settings, role=args.role, centre=args.centre, hours=args.hours, bot_username=args.bot_username))  # type: ignore[arg-type]
        if args.staff_command == "list":
            return asyncio.run(staff.list_staff(settings))  # type: ignore[arg-type]
        return asyncio.run(staff.revoke(settings, args.staff_id))  # type: ignore[arg-type]
    if args.command == "entry":
        from bot.commands import staff

        if args.entry_command == "milestone":
            return asyncio.run(staff.milestone(settings, code=args.code, centre=args.centre, on=args.on, note=args.note))  # type: ignore[arg-type]
        if args.entry_command == "correct":
            return asyncio.run(staff.correct(settings, entry_id=args.entry_id, quantity=args.quantity, on=args.on, reason=args.reason))  # type: ignore[arg-type]
        return asyncio.run(staff.list_entries(settings, args.code))  # type: ignore[arg-type]
    if args.command == "event":
        from bot.commands import events

        return asyncio.run(events.qr(settings, event_id=args.event_id, bot_username=args.bot_username, out=args.out))  # type: ignore[arg-type]
    if args.command == "audit":
        from bot.commands import audit

        return asyncio.run(audit.list_since(settings, args.since))  # type: ignore[arg-type]
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(settings, citizens=args.citizens, seed=args.seed, out=args.out)  # type: ignore[arg-type]
    raise AssertionError(args.command)


def _dispatch_reports(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import reports

    if args.command == "indicators":
        return reports.run(reports.indicators(settings, args.year, args.json))
    if args.command == "indicator":
        return reports.run(reports.indicator(settings, args.code, args.year))
    if args.command == "report":
        return reports.run(reports.report(settings, args.first, args.last, args.format, args.out, args.lang, args.year))
    if args.command == "plan":
        return reports.run(reports.plan_set(settings, args.code, args.year, args.planned, args.baseline))
    return reports.run(reports.export_opendata(settings, args.year, args.out))


if __name__ == "__main__":
    sys.exit(main())
