"""Argument types for the `kentbot` command line: each parses one kind of value or refuses it
in one line, so bad input never reaches the database nor ends in a traceback."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

FIRST_YEAR, LAST_YEAR = 2000, 2100


class _ShowDefaults(argparse.HelpFormatter):
    """Help lines end with the default where there is a meaningful one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """An argparse parser whose refusals are one line (naming the command and the fix) and
    exit code 2, like every other operator error of kentbot; its help shows defaults."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ShowDefaults)
        super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> tuple[Any, list[str]]:
        """Arguments a (sub)command does not know are refused by that command, so the message
        points to its own help rather than the top-level one."""
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("kentbot").strip()
        print(f"kentbot: {f'{command}: ' if command else ''}{message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def year(text: str) -> int:
    """A calendar year the plan can be about."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year like 2026") from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{value} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return value


def day(text: str) -> date:
    """A date written as YYYY-MM-DD, within the years the plan can be about."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-28") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return value


def number(text: str) -> float:
    """A finite number of 0 or more; a comma is read as the decimal mark."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is below 0")
    return value


def whole(text: str) -> int:
    """A whole number of 1 or more (a count of people, hours, ids)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is below 1")
    return value


def hours(text: str) -> float:
    """A positive number of hours, at most a year."""
    value = number(text)
    if not 0 < value <= 24 * 366:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and {24 * 366} hours")
    return value


def port(text: str) -> int:
    """A TCP port, 1–65535, or 0 for any free one (the log says which)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0–65535)") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0–65535)")
    return value


def output(text: str) -> str:
    """A file or folder to write whose folder exists: a mistyped path is refused rather than
    created (as whoever runs kentbot, even at the root)."""
    folder = Path(text).expanduser().parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist: create it first or fix the path")
    return text
