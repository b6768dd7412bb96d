"""Text PostgreSQL can store, whatever a person (or a forged update) sends.

PostgreSQL refuses the NUL character in text and in JSON (`\\u0000`), and no database driver
can encode a lone surrogate as UTF-8. Either would fail the statement, and the failure would
repeat on every retry of the same update, so such characters are dropped. SQLite would accept
NUL; it is dropped there too, so both databases hold the same text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_REFUSED = re.compile("[\x00\ud800-\udfff]")
# What `json.dumps` (ASCII-escaping, as SQLAlchemy's default) writes for NUL and surrogates.
_REFUSED_ESCAPE = re.compile(r"\\u(?:0000|d[89a-f][0-9a-f]{2})", re.IGNORECASE)


def storable(text: str) -> str:
    """`text` without the characters no database here can store."""
    return _REFUSED.sub("", text) if _REFUSED.search(text) else text


def has_refused(value: Any) -> bool:
    """Whether a string anywhere inside `value` (dicts, lists, tuples) holds a refused character."""
    if isinstance(value, str):
        return _REFUSED.search(value) is not None
    if isinstance(value, Mapping):
        return any(has_refused(k) or has_refused(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_refused(item) for item in value)
    return False


def storable_value(value: Any) -> Any:
    """Strings anywhere inside `value` (dicts, lists, tuples) made storable; the rest as is."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, Mapping):
        return {storable_value(k): storable_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(storable_value(item) for item in value)
    return value


def json_dumps(value: Any) -> str:
    """JSON for a JSON/JSONB column; refused characters are dropped only when present."""
    text = json.dumps(value)
    return json.dumps(storable_value(value)) if _REFUSED_ESCAPE.search(text) else text
