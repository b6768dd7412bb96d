"""`kentbot outbox …`: what the drainer is doing, and the rows only a person can decide about.

A row is `uncertain` when a worker stopped while handing it to Telegram: it may or may not
have arrived. Ask the recipient or check the chat, then `release` it (send again) or
`settle` it (count it as sent). Both are audited.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.config import Settings
from bot.outbox.drainer import DRAIN_LEASE_NAME
from bot.services import Services, build_services
from storage.repositories import audit, leases, outbox

ACTOR = "cli"


async def status(settings: Settings) -> int:
    services = build_services(settings)
    try:
        async with services.sessions() as session:
            counts = await outbox.count_by_status(session)
            drainer = await leases.holder_of(session, DRAIN_LEASE_NAME, services.clock())
    finally:
        await services.close()
    for name in outbox.STATUSES:
        print(f"{name:<10} {counts.get(name, 0)}")
    print(f"drained by {drainer or 'no worker at the moment'}")
    return 0


async def uncertain(settings: Settings) -> int:
    services = build_services(settings)
    try:
        async with services.sessions() as session:
            rows = await outbox.list_status(session, outbox.UNCERTAIN)
    finally:
        await services.close()
    if not rows:
        print("no uncertain messages")
        return 0
    print("id\tchat_id\tkind\tcreated_at\tdedupe_key")
    for row in rows:
        print(f"{row.id}\t{row.chat_id}\t{row.kind}\t{row.created_at.isoformat()}\t{row.dedupe_key}")
    print(f"{len(rows)} uncertain: `kentbot outbox release ID…` to send again, `kentbot outbox settle ID…` to close as sent")
    return 0


async def decide(settings: Settings, ids: Sequence[int], *, resend: bool) -> int:
    services: Services = build_services(settings)
    try:
        async with services.sessions.begin() as session:
            now = services.clock()
            done = await (outbox.release_uncertain(session, ids, now) if resend else outbox.settle_uncertain(session, ids))
            for row_id in done:
                await audit.append(
                    session,
                    at=now,
                    actor=ACTOR,
                    action="outbox.release" if resend else "outbox.settle",
                    object_type="outbox",
                    object_id=str(row_id),
                    before={"status": outbox.UNCERTAIN},
                    after={"status": outbox.PENDING if resend else outbox.SENT},
                )
    finally:
        await services.close()
    skipped = sorted(set(ids) - set(done))
    print(f"{'released' if resend else 'settled'}: {', '.join(map(str, done)) or 'none'}")
    if skipped:
        print(f"not uncertain (left unchanged): {', '.join(map(str, skipped))}", file=sys.stderr)
        return 1
    return 0
