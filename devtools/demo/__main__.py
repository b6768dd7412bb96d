"""`kentbot-demo` (or `python -m devtools.demo`): what `make demo` runs. Settings come from the
environment or a .env file, as for `kentbot`; the demo keeps its own database in the data folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import EXIT_USAGE, prepare_process
from bot.cli_args import whole
from bot.config import ConfigError, load_settings
from devtools.demo.runner import run_demo
from devtools.demo.words import LANGS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kentbot-demo",
        description="The Bot API emulator, the real bot process, simulated citizens and staff, then the indicators.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--citizens", type=whole, default=240, help="how many simulated citizens answer")
    parser.add_argument("--seed", type=int, default=4242, help="the random seed: the same seed gives the same figures")
    parser.add_argument("--out", default="out", help="folder for the report files")
    parser.add_argument("--lang", choices=LANGS, default="tr", help="the one language of everything the demo prints")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prepare_process()  # the demo's database, log and reports are the owner's alone, as the bot's are
    args = _parser().parse_args(argv)
    try:
        return run_demo(load_settings(), citizens=args.citizens, seed=args.seed, out=args.out, lang=args.lang)
    except ConfigError as error:
        print(f"kentbot-demo: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
