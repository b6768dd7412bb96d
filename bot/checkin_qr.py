"""The check-in link and QR image of an event at a moment: shared by the staff button and
`kentbot event qr`."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import qrcode

from services.attendance import checkin_payload


def checkin_link(bot_username: str, secret: bytes, event_id: int, now: datetime) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={checkin_payload(secret, event_id, now)}"


def png(url: str) -> bytes:
    out = BytesIO()
    qrcode.make(url).save(out)
    return out.getvalue()
