"""Webhook mode, delivered the way Telegram's Bot API server delivers it.

Each chat's updates go one after the other, in order: the next one leaves only when the
previous one got a 2xx answer or was given up. Different chats are delivered in parallel, over
at most the webhook's `max_connections` connections at once. An update that gets anything but
a 2xx (an error status, a closed connection, no answer in time) is sent again after a delay
that doubles up to `webhook_max_retry_delay`, and given up after `webhook_attempts` tries.
So a bot that answers only once it has applied an update, and dies before answering, gets the
update again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from devtools.emulator.state import EmulatorState, Webhook, update_type

DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=10)


def delivery_queue(update: dict[str, Any]) -> tuple[str, int]:
    """Which updates must wait for each other: those of one chat (else one sender)."""
    payload = update.get(update_type(update))
    if isinstance(payload, dict):
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", int(chat["id"]))
        sender = payload.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return ("user", int(sender["id"]))
    return ("update", int(update["update_id"]))


class WebhookSender:
    """Starts the deliveries the rules above allow whenever the queue or a delivery changes."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.in_flight: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        state = self.state
        async with aiohttp.ClientSession(timeout=DELIVERY_TIMEOUT) as session:
            try:
                while not state.closing:
                    if state.webhook is not None:
                        self._start_ready(session, state.webhook)
                    await state.wait_for_change(1.0)
            finally:
                for task in self.in_flight.values():
                    task.cancel()
                await asyncio.gather(*self.in_flight.values(), return_exceptions=True)

    def _start_ready(self, session: aiohttp.ClientSession, hook: Webhook) -> None:
        state = self.state
        if hook.allowed_updates:
            state.updates = [
                u
                for u in state.updates
                if update_type(u) in hook.allowed_updates or u["update_id"] in self.in_flight
            ]
        waiting: set[tuple[str, int]] = set()
        for update in state.updates:
            queue = delivery_queue(update)
            if queue in waiting:
                continue  # an earlier update of this chat goes first
            waiting.add(queue)
            if update["update_id"] in self.in_flight:
                continue
            if len(self.in_flight) >= hook.max_connections:
                return
            self.in_flight[update["update_id"]] = asyncio.create_task(
                self._deliver(session, hook, update)
            )

    async def _deliver(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]
    ) -> None:
        try:
            await self._attempts(session, hook, update)
            if self.state.webhook is hook:
                # Delivered, or given up; a changed webhook gets it again instead.
                self.state.updates = [u for u in self.state.updates if u is not update]
        finally:
            del self.in_flight[update["update_id"]]
            self.state.notify()

    async def _attempts(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]
    ) -> None:
        """Try up to `webhook_attempts` times, backing off; give up on the update after that."""
        config = self.state.config
        metrics = self.state.metrics
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        for attempt in range(config.webhook_attempts):
            metrics.update_deliveries[update["update_id"]] += 1
            try:
                async with session.post(hook.url, json=update, headers=headers) as response:
                    if 200 <= response.status < 300:
                        metrics.webhook_deliveries += 1
                        return
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            metrics.webhook_failures += 1
            hook.last_error_date = self.state.clock.timestamp()
            hook.last_error_message = error
            last = attempt + 1 == config.webhook_attempts
            if last or self.state.webhook is not hook or self.state.closing:
                return
            await asyncio.sleep(
                min(config.webhook_retry_delay * 2**attempt, config.webhook_max_retry_delay)
            )
