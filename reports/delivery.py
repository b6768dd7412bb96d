"""A rendered report to one chat through the outbox: its summary text, chart and workbook,
sent within Telegram's limits and retried, never twice (the weekly report, and reports that
managers ask for in chat)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from reports.weekly import ReportFiles
from storage.repositories import outbox

KIND = "report"


async def queue_files(
    session: AsyncSession, *, chat_id: int, key: str, files: ReportFiles, caption: str, now: datetime
) -> None:
    """Queue the three parts under dedupe keys `key:text`, `key:photo`, `key:document`."""
    payloads: list[tuple[str, dict[str, Any]]] = [
        ("text", {"text": files.text}),
        ("photo", {"photo": _file(f"{files.stem}.png", files.png), "caption": caption}),
        ("document", {"document": _file(f"{files.stem}.xlsx", files.xlsx), "caption": caption}),
    ]
    for part, payload in payloads:
        await outbox.enqueue(
            session, dedupe_key=f"{key}:{part}", chat_id=chat_id, kind=KIND, payload=payload, not_before=now, now=now
        )


def _file(name: str, content: bytes) -> dict[str, str]:
    return {"file_name": name, "content_b64": base64.b64encode(content).decode()}


async def queue_photo(
    session: AsyncSession, *, chat_id: int, key: str, name: str, png: bytes, caption: str, now: datetime
) -> None:
    """Queue one chart (a survey's item scores per centre) under the dedupe key `key`."""
    payload = {"photo": _file(name, png), "caption": caption}
    await outbox.enqueue(session, dedupe_key=key, chat_id=chat_id, kind=KIND, payload=payload, not_before=now, now=now)
