"""How many rows an INSERT, UPDATE or DELETE changed.

`Session.execute` returns a CursorResult for those statements, but its signature promises only
a Result, which has no rowcount; this says so in one place for the type checker.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def changed_rows(result: Result[*tuple[Any, ...]]) -> int:
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount
