"""What a failure may say in the log: its kind and where it happened, never the data.

An exception's message can carry what the code was handling: a database error names the
offending value ("Key (key)=(…) already exists"), a malformed state is quoted back. So at
INFO and above the log gets the exception types, the database's SQLSTATE and statement (its
parameters are hidden by the engine) and the code lines of the traceback; the full messages
go to DEBUG only, for an operator who turns it on knowingly.
"""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import DBAPIError, StatementError

STATEMENT_CHARS = 300


def describe(error: BaseException) -> str:
    """The failure's kinds and code location, each exception of the chain without its message."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(_kind(current) + "".join(traceback.format_list(traceback.extract_tb(current.__traceback__))).rstrip())
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n  caused by ".join(parts)


def _kind(error: BaseException) -> str:
    kind = type(error).__name__
    if isinstance(error, DBAPIError) and error.orig is not None:
        origin = error.orig
        driver = getattr(origin, "__cause__", None) or origin
        code = getattr(driver, "sqlstate", None) or getattr(origin, "pgcode", None) or getattr(origin, "sqlite_errorname", None)
        kind += f" ({type(driver).__name__}{f', SQLSTATE {code}' if code else ''})"
    if isinstance(error, StatementError) and error.statement:
        kind += f" in: {' '.join(error.statement.split())[:STATEMENT_CHARS]}"
    return kind + "\n"


def log_failure(logger: logging.Logger, message: str, *args: object, error: BaseException) -> None:
    """`message` at ERROR with what `describe` tells; the exception itself at DEBUG."""
    logger.error(message + ": %s", *args, describe(error))
    logger.debug(message, *args, exc_info=error)
