"""The `kentbot` command: run the bot, manage the database, validate surveys, report."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from sqlalchemy.engine import make_url

from bot import cli_args
from bot.cli_args import day
from bot.config import ConfigError, Settings, load_settings
from bot.operator_errors import explain
from storage.private_files import OWNER_ONLY_UMASK, own_folder

EXIT_USAGE = 2
# Libraries whose INFO lines are request logs (URLs, with the bot token in them): warnings only.
QUIET_LOGGERS = ("httpx", "alembic", "apscheduler", "aiohttp.access")


BOT_USERNAME_HELP = (
    "the bot's Telegram username, for the link (default: asked from Telegram when TELEGRAM_BOT_TOKEN is set, "
    "else KENTBOT_BOT_USERNAME)"
)


def _parser() -> argparse.ArgumentParser:
    parser = cli_args.Parser(
        prog="kentbot",
        description="İzmir Target 4.2 indicators: the Telegram bot and its back office. "
        "Settings come from the environment or a .env file (see the README).",
    )
    parser.add_argument("--version", action="version", version=f"kentbot {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="serve the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook for workers behind a proxy instead of polling")

    web = commands.add_parser("web", help="serve the public Target 4.2 pages (and /healthz)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on")
    web.add_argument("--port", type=cli_args.port, default=8080, help="port to listen on")
    web.add_argument("--year", type=cli_args.year, help="the year shown by default (default: the current year)")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument(
        "--create", action="store_true",
        help="create the SQLite file's folder if it does not exist (the default data folder is always created)",
    )
    db_commands.add_parser("check", help="say which database is used, whether it answers and at which migration; exit 1 unless current")

    _survey_parsers(commands)
    _report_parsers(commands)

    invite = commands.add_parser("invite", help="invite attendees or members to a survey (through the outbox)")
    invite.add_argument("--survey", required=True, help="survey id, e.g. disability_centre (see `kentbot survey list`)")
    invite.add_argument(
        "--to", required=True, choices=("attendees", "members", "all"), dest="audience",
        help="who is invited: people who attended, Alzheimer-centre members, or both",
    )
    invite.add_argument("--since", required=True, type=day, help="YYYY-MM-DD: attendance or approval on or after this day")
    invite.add_argument("--bot-username", help=BOT_USERNAME_HELP)
    invite.add_argument("--dry-run", action="store_true", help="only say how many would be invited; send nothing")

    outbox = commands.add_parser("outbox", help="outgoing messages: status, and the uncertain ones")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    outbox_commands.add_parser("status", help="messages per status, and the worker that drains them")
    outbox_commands.add_parser("uncertain", help="list messages a stopped worker may or may not have sent")
    for name, text in (("release", "send these uncertain messages again"), ("settle", "close these uncertain messages as sent")):
        decide = outbox_commands.add_parser(name, help=text)
        decide.add_argument("ids", nargs="+", type=cli_args.whole, help="message ids from `kentbot outbox uncertain`")

    backup = commands.add_parser("backup", help="copy the SQLite database while the bot runs")
    backup.add_argument("--out", required=True, type=cli_args.output, help="the new backup file (must not exist)")
    commands.add_parser("retention", help="delete what is past its retention time now (also runs hourly)")

    setup = commands.add_parser("setup", help="first start: the first admin's invite link, and what to do next")
    setup.add_argument("--hours", type=cli_args.hours, default=72, help="how long the link stays valid")
    setup.add_argument("--bot-username", help=BOT_USERNAME_HELP)

    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    invite = staff_commands.add_parser("invite", help="print a single-use invite link")
    invite.add_argument("--role", required=True, choices=("admin", "manager", "staff"), help="the rights the invite gives")
    invite.add_argument("--centre", help="centre id, required for staff (see `kentbot centre list`)")
    invite.add_argument("--hours", type=cli_args.hours, default=72, help="how long the link stays valid")
    invite.add_argument("--bot-username", help=BOT_USERNAME_HELP)
    staff_commands.add_parser("list", help="list staff members")
    revoke = staff_commands.add_parser("revoke", help="take a member's rights away at once")
    revoke.add_argument("staff_id", type=cli_args.whole, help="the member's id from `kentbot staff list`")
    for name, what in (("add-centre", "let a member act for one more centre"),
                       ("remove-centre", "take a centre from a member")):
        changing = staff_commands.add_parser(name, help=f"{what} (audited; holds from their next step)")
        changing.add_argument("staff_id", type=cli_args.whole, help="the member's id from `kentbot staff list`")
        changing.add_argument("centre", help="centre id (see `kentbot centre list`)")

    entry = commands.add_parser("entry", help="manual indicator entries (milestones, corrections)")
    entry_commands = entry.add_subparsers(dest="entry_command", required=True, metavar="ACTION")
    milestone = entry_commands.add_parser("milestone", help="a completed youth (4.2.1) or women's (4.2.6) centre")
    milestone.add_argument("--code", required=True, choices=("4.2.1", "4.2.6"), help="the indicator the centre counts for")
    milestone.add_argument("--centre", required=True, help="centre id (see `kentbot centre list`)")
    milestone.add_argument("--on", required=True, type=day, help="completion date, YYYY-MM-DD (local calendar day)")
    milestone.add_argument("--note", required=True, help="evidence, e.g. the acceptance report number")
    correct = entry_commands.add_parser("correct", help="replace an entry by a corrected one (both are kept)")
    correct.add_argument("entry_id", type=cli_args.whole, help="the entry's id from `kentbot entry list`")
    correct.add_argument("--quantity", type=cli_args.number, required=True, help="1 keeps the entry counted, 0 withdraws it")
    correct.add_argument("--on", type=day, help="a corrected date, YYYY-MM-DD (default: the entry's own)")
    correct.add_argument("--reason", required=True, help="why, kept with the correction")
    entry_list = entry_commands.add_parser("list", help="effective entries")
    entry_list.add_argument("--code", help="only this indicator, e.g. 4.2.3")

    centre = commands.add_parser("centre", help="the municipality's centres")
    centre_commands = centre.add_subparsers(dest="centre_command", required=True, metavar="ACTION")
    centre_commands.add_parser("list", help="every centre in the centres file: id, type, name, district")

    event = commands.add_parser("event", help="events")
    event_commands = event.add_subparsers(dest="event_command", required=True, metavar="ACTION")
    event_list = event_commands.add_parser("list", help="events by start time, in local time")
    event_list.add_argument("--from", dest="first", type=day, help="first day, YYYY-MM-DD (default: today)")
    event_list.add_argument("--to", dest="last", type=day, help="last day, YYYY-MM-DD (default: 30 days after --from)")
    event_list.add_argument("--centre", help="only this centre's events (see `kentbot centre list`)")
    event_qr = event_commands.add_parser("qr", help="write the check-in QR code of an event")
    event_qr.add_argument("event_id", type=cli_args.whole, help="the event's id from `kentbot event list`")
    event_qr.add_argument("--bot-username", help=BOT_USERNAME_HELP)
    event_qr.add_argument("--out", required=True, type=cli_args.output, help="the PNG file to write")

    walkin = commands.add_parser("attendance", help="walk-ins and the registered people they turn out to be")
    walkin_commands = walkin.add_subparsers(dest="attendance_command", required=True, metavar="ACTION")
    walkin_list = walkin_commands.add_parser(
        "walkins", help="a centre's walk-ins typed with a name, and registered people there with a similar name"
    )
    walkin_list.add_argument("--centre", required=True, help="centre id (see `kentbot centre list`)")
    walkin_list.add_argument("--name", required=True, help="the walk-in's first and last name, as staff typed it")
    merge = walkin_commands.add_parser("merge-walkin", help="count a walk-in as a registered person from now on")
    merge.add_argument("walkin_id", type=cli_args.whole, help="the walk-in's id from `kentbot attendance walkins`")
    merge.add_argument("--person", required=True, type=cli_args.whole, help="the person's id from the same list")
    unmerge = walkin_commands.add_parser("unmerge-walkin", help="undo a merge: the walk-in counts on its own again")
    unmerge.add_argument("walkin_id", type=cli_args.whole, help="the merged walk-in's id")

    audit = commands.add_parser("audit", help="list the audit log")
    audit.add_argument("--since", required=True, type=day, help="YYYY-MM-DD: entries from local midnight of this day")

    return parser


def _survey_parsers(commands: argparse._SubParsersAction) -> None:
    survey = commands.add_parser("survey", help="survey definitions")
    survey_commands = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")
    survey_commands.add_parser("list", help="the shipped surveys: id, version, indicator, anonymity, period, link code")
    validate = survey_commands.add_parser(
        "validate",
        help="check survey files on their own and against the plan, the centres and the other links; "
        "exit 2 on any problem",
    )
    validate.add_argument(
        "paths", nargs="*", help="YAML files to check, beside the surveys in use with other ids (default: the surveys in use)"
    )
    validate.add_argument("--plan", metavar="PATH", help="plan file to check against (default: the shipped reports/plan.yaml)")
    validate.add_argument(
        "--centres", metavar="PATH", help="centres file to check against (default: the shipped storage/data/centres.yaml)"
    )
    link = survey_commands.add_parser("link", help="print the deep link (and write a QR code) for a survey poster")
    link.add_argument("survey", help="survey id (see `kentbot survey list`)")
    link.add_argument("--centre", help="centre id the poster hangs in, so the centre question is answered already")
    link.add_argument("--bot-username", help=BOT_USERNAME_HELP)
    link.add_argument("--qr", type=cli_args.output, help="write a PNG QR code to this file")


def _report_parsers(commands: argparse._SubParsersAction) -> None:
    year_help = "the plan year, 2000–2100"
    listing = commands.add_parser("indicators", help="Target 4.2 actuals and achievement for a year (in percent)")
    listing.add_argument("--year", type=cli_args.year, required=True, help=year_help)
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    one = commands.add_parser("indicator", help="one indicator and the rows behind its number")
    one.add_argument("code", help="indicator code, e.g. 4.2.9")
    one.add_argument("--year", type=cli_args.year, required=True, help=year_help)
    report = commands.add_parser("report", help="the report for a period as text, json, xlsx or png")
    report.add_argument("--from", dest="first", type=day, required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="last", type=day, required=True, help="last day, YYYY-MM-DD")
    report.add_argument("--format", choices=("text", "json", "xlsx", "png"), default="text", help="the file's format")
    report.add_argument("--out", required=True, type=cli_args.output, help="the file to write")
    report.add_argument("--lang", choices=("tr", "en", "ar"), default="tr", help="the report's language")
    report.add_argument("--year", type=cli_args.year, help="year of the year-to-date figures (default: that of --to)")
    plan = commands.add_parser("plan", help="planned values and baselines")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    plan_set = plan_commands.add_parser("set", help="set a planned value (audited)")
    plan_set.add_argument("code", help="indicator code, e.g. 4.2.2")
    plan_set.add_argument("--year", type=cli_args.year, required=True, help=year_help)
    plan_set.add_argument(
        "--planned", type=cli_args.number, required=True,
        help="the planned value in the indicator's unit: a whole number for counts and persons, 0–100 for percentages",
    )
    plan_set.add_argument("--baseline", type=cli_args.number, help="the baseline, same unit (default: the current one)")
    export = commands.add_parser("export", help="exports")
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="ACTION")
    opendata = export_commands.add_parser("opendata", help="indicator actuals as CSV and JSON, no personal data")
    opendata.add_argument("--year", type=cli_args.year, required=True, help=year_help)
    opendata.add_argument("--out", required=True, type=cli_args.output, help="the folder to write")
    responses = export_commands.add_parser("responses", help="a survey's responses, one row each, with a codebook; audited")
    responses.add_argument("--survey", required=True, help="survey id (see `kentbot survey list`)")
    responses.add_argument("--from", dest="first", type=day, required=True, help="first day answered, YYYY-MM-DD")
    responses.add_argument("--to", dest="last", type=day, required=True, help="last day answered, YYYY-MM-DD")
    responses.add_argument("--format", required=True, choices=("csv", "xlsx", "sav"), help="CSV, Excel or SPSS")
    responses.add_argument("--centre", help="only this centre's responses (see `kentbot centre list`)")
    responses.add_argument("--out", required=True, type=cli_args.output, help="the file to write (a CSV or .sav gets its codebook beside it)")
    results = commands.add_parser("results", help="every question's results of a survey for a year or a range of days")
    results.add_argument("--survey", required=True, help="survey id (see `kentbot survey list`)")
    results.add_argument("--year", type=cli_args.year, help=f"{year_help} (or --from and --to)")
    results.add_argument("--from", dest="first", type=day, help="first day answered, YYYY-MM-DD (Istanbul calendar day)")
    results.add_argument("--to", dest="last", type=day, help="last day answered, YYYY-MM-DD (Istanbul calendar day)")
    results.add_argument("--centre", help="one centre, compared with the whole city (see `kentbot centre list`)")
    results.add_argument("--json", action="store_true", help="machine-readable output")
    results.add_argument("--chart", type=cli_args.output, help="also write a PNG of each Likert item's score per centre to this file")


def _version() -> str:
    try:
        return metadata.version("kentbot")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def prepare_process() -> None:
    """Whatever kentbot or a library writes (databases, reports, logs) is the owner's alone, and
    the log says what kentbot does without the chattiest libraries' detail."""
    os.umask(OWNER_ONLY_UMASK)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    prepare_process()
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kentbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if settings.data_dir.is_dir():
            own_folder(settings.data_dir)
        missing = _missing_database(args, settings)
        if missing is not None:
            print(
                f"kentbot: there is no SQLite database at {missing}: run `kentbot db upgrade` to create it, "
                "or fix DATABASE_URL or KENTBOT_DATA_DIR", file=sys.stderr,
            )
            return EXIT_USAGE
        if _uses_pseudonyms(args):
            from bot.commands.key import verify_key

            asyncio.run(verify_key(settings))
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"kentbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        line = explain(error, settings.resolved_database_url())
        if line is None:
            raise
        print(f"kentbot: {line}", file=sys.stderr)
        return EXIT_USAGE


def _missing_database(args: argparse.Namespace, settings: Settings) -> Path | None:
    """The SQLite file a command would read but which does not exist: SQLite would create it
    empty on opening, so only the commands that build the schema (db upgrade, setup, run) may."""
    creates = args.command in ("run", "setup") or (args.command == "db" and args.db_command == "upgrade")
    if creates or args.command in ("survey", "centre", "backup"):
        return None
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    return None if path.exists() else path


def _uses_pseudonyms(args: argparse.Namespace) -> bool:
    """Commands on the database, but for those that make or inspect it, or touch no data."""
    return args.command not in ("run", "db", "survey", "centre", "backup")


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.running import StartupError, run

        try:
            run(settings, webhook=args.webhook)
        except StartupError as error:
            for line in str(error).splitlines():
                print(f"kentbot: {line}", file=sys.stderr)
            return EXIT_USAGE
        return 0
    if args.command == "web":
        from bot.commands.web import serve

        return asyncio.run(serve(settings, args.host, args.port, args.year))
    if args.command == "db":
        from bot.commands.database import check, upgrade

        return asyncio.run(upgrade(settings, create=args.create) if args.db_command == "upgrade" else check(settings))
    if args.command == "centre":
        from bot.commands.listings import list_centres

        return list_centres()
    if args.command == "survey":
        if args.survey_command == "list":
            from bot.commands.listings import list_surveys

            return list_surveys()
        if args.survey_command == "validate":
            from bot.commands.survey_validate import validate

            return validate(args.paths, args.plan, args.centres)
        from bot.commands.links import survey_link

        return survey_link(args.survey, args.centre, _bot_username(args, settings), args.qr)
    if args.command == "results" or getattr(args, "export_command", None) == "responses":
        return _dispatch_results(args, settings)
    if args.command in ("indicators", "indicator", "report", "plan", "export"):
        return _dispatch_reports(args, settings)
    if args.command == "invite":
        from bot.commands.campaign import invite

        return asyncio.run(
            invite(
                settings, args.survey, args.audience, args.since, dry_run=args.dry_run,
                bot_username=_bot_username(args, settings),
            )
        )
    if args.command == "outbox":
        from bot.commands import outbox

        if args.outbox_command in ("release", "settle"):
            return asyncio.run(outbox.decide(settings, args.ids, resend=args.outbox_command == "release"))
        return asyncio.run(outbox.status(settings) if args.outbox_command == "status" else outbox.uncertain(settings))
    if args.command == "backup":
        from bot.commands.backup import backup

        return backup(settings, args.out)
    if args.command == "retention":
        from bot.retention import run_now

        return asyncio.run(run_now(settings))
    if args.command == "setup":
        from bot.commands import staff

        return asyncio.run(staff.setup(settings, hours=args.hours, bot_username=_bot_username(args, settings)))
    if args.command == "staff":
        from bot.commands import staff

        if args.staff_command == "invite":
            return asyncio.run(staff.invite(
                settings, role=args.role, centre=args.centre, hours=args.hours, bot_username=_bot_username(args, settings)
            ))
        if args.staff_command == "list":
            return asyncio.run(staff.list_staff(settings))
        if args.staff_command in ("add-centre", "remove-centre"):
            return asyncio.run(staff.change_centre(
                settings, staff_id=args.staff_id, centre=args.centre, add=args.staff_command == "add-centre"))
        return asyncio.run(staff.revoke(settings, args.staff_id))
    if args.command == "entry":
        from bot.commands import staff

        if args.entry_command == "milestone":
            return asyncio.run(staff.milestone(settings, code=args.code, centre=args.centre, on=args.on, note=args.note))
        if args.entry_command == "correct":
            return asyncio.run(staff.correct(settings, entry_id=args.entry_id, quantity=args.quantity, on=args.on, reason=args.reason))
        return asyncio.run(staff.list_entries(settings, args.code))
    if args.command == "event":
        from bot.commands import events

        if args.event_command == "list":
            return asyncio.run(events.list_events(settings, first=args.first, last=args.last, centre=args.centre))
        return asyncio.run(events.qr(settings, event_id=args.event_id, bot_username=_bot_username(args, settings), out=args.out))
    if args.command == "attendance":
        from bot.commands import walkins

        if args.attendance_command == "walkins":
            return asyncio.run(walkins.list_candidates(settings, centre=args.centre, name=args.name))
        if args.attendance_command == "merge-walkin":
            return asyncio.run(walkins.merge(settings, walkin_id=args.walkin_id, person_id=args.person))
        return asyncio.run(walkins.unmerge(settings, walkin_id=args.walkin_id))
    if args.command == "audit":
        from bot.commands import audit

        return asyncio.run(audit.list_since(settings, args.since))
    raise AssertionError(args.command)


def _bot_username(args: argparse.Namespace, settings: Settings) -> str:
    from bot.bot_username import resolve

    return asyncio.run(resolve(settings, args.bot_username))


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


def _dispatch_results(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands.reports import run

    if args.command == "results":
        from bot.commands.results import results

        return run(results(settings, args.survey, (args.year, args.first, args.last), args.centre, args.json, args.chart))
    from bot.commands.export import export_responses

    return run(export_responses(settings, args.survey, args.first, args.last, args.format, args.centre, args.out))


if __name__ == "__main__":
    sys.exit(main())
