"""The `kentbot` command: run the bot, manage the database, validate surveys, run the demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import ConfigError, load_settings

EXIT_USAGE = 2


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

    demo = commands.add_parser("demo", help="emulator, real bot, simulated citizens, indicators")
    demo.add_argument("--citizens", type=int, default=240)
    demo.add_argument("--seed", type=int, default=4242)
    demo.add_argument("--out", default="out")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
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
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(settings, citizens=args.citizens, seed=args.seed, out=args.out)  # type: ignore[arg-type]
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
