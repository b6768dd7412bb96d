"""One line for each way the database can be out of reach, instead of a traceback: what is
wrong, where (the URL without its password), and what to do."""

from __future__ import annotations

import socket

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

# Recognised by class name, so the mapping needs no PostgreSQL driver on an SQLite install.
_POSTGRES_CAUSES = {
    "InvalidCatalogNameError": "the database {database!r} does not exist on {where}: create it (createdb) or fix DATABASE_URL",
    "InvalidAuthorizationSpecificationError": "{where} does not know the user {user!r}: create the role or fix DATABASE_URL",
    "InvalidPasswordError": "{where} refused the password of user {user!r}: fix DATABASE_URL",
    "ConnectionDoesNotExistError": "the connection to {where} was closed: check that the server is running",
    "CannotConnectNowError": "{where} is starting up or shutting down: try again in a moment",
    "TooManyConnectionsError": "{where} has no free connections: lower the pool sizes or raise max_connections",
}


def shown_url(url: str) -> str:
    """The URL as it may appear in a message or a log: never with its password."""
    return make_url(url).render_as_string(hide_password=True)


def explain(error: BaseException, url: str) -> str | None:
    """The operator's one line for `error` met while using the database at `url`, or None
    when it is not a reachability or configuration problem (then it is a bug: let it show).

    An OSError naming a file is about that file (a plan, an output), never the database server."""
    parsed = make_url(url)
    where = f"the database server at {parsed.host or 'localhost'}:{parsed.port or 5432}"
    details = {"database": parsed.database, "user": parsed.username, "where": where}
    for cause in _causes(error):
        template = _POSTGRES_CAUSES.get(type(cause).__name__)
        if template is not None:
            return template.format(**details)
        if isinstance(cause, OSError) and cause.filename is not None:
            return f"cannot use the file {cause.filename}: {cause.strerror or cause}"
        if isinstance(cause, socket.gaierror):
            return f"cannot find the database host {parsed.host!r}: fix the host in DATABASE_URL ({shown_url(url)})"
        if isinstance(cause, (ConnectionRefusedError, TimeoutError)) or (isinstance(cause, OSError) and cause.errno is not None):
            return f"cannot reach {where} ({cause.strerror or cause}): is PostgreSQL running, and is DATABASE_URL right?"
        if type(cause).__name__ == "OperationalError" and "unable to open database file" in str(cause):
            return (
                f"cannot open the SQLite database {parsed.database}: its folder does not exist or is not writable; "
                "fix DATABASE_URL, or create it with `kentbot db upgrade --create`"
            )
    return None


def _causes(error: BaseException) -> list[BaseException]:
    """The error, what it wraps (a DBAPI error's `orig`) and what caused each, outermost first."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        wrapped = current.orig if isinstance(current, DBAPIError) else None
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__ or current.__context__
    return found
