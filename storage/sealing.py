"""Sealed values: JSON encrypted with AES-256-GCM under a key derived from KENTBOT_SECRET.

Drafts of anonymous surveys and responses waiting in the pending pool are sealed, so a copy of
the database without the key shows neither answers nor the message and update ids that would
tie a draft to a person's chat. Each purpose has its own key, and each value is bound to the
row it belongs to (the associated data), so a sealed value moved to another row does not open.
Sealed values are padded to a multiple of PAD bytes: the length does not tell how far a person
got in a survey.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PAD = 512
NONCE_BYTES = 12


class Unreadable(Exception):
    """A sealed value that does not open with this key for this row."""


def _key(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"seal\x1f{purpose}".encode(), hashlib.sha256).digest()


def seal(secret: bytes, purpose: str, row: str, value: dict[str, Any]) -> bytes:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    padded = text + b" " * (-len(text) % PAD)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(secret, purpose)).encrypt(nonce, padded, row.encode())


def unseal(secret: bytes, purpose: str, row: str, sealed: bytes) -> dict[str, Any]:
    nonce, body = bytes(sealed[:NONCE_BYTES]), bytes(sealed[NONCE_BYTES:])
    try:
        text = AESGCM(_key(secret, purpose)).decrypt(nonce, body, row.encode())
    except InvalidTag:
        raise Unreadable(f"a sealed {purpose} does not open with this key") from None
    return json.loads(text)
