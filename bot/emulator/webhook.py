"""Webhook mode: POST queued updates to the bot in order, retrying a bounded number of times."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.emulator.state import EmulatorState, Webhook, update_type

DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=10)


class WebhookSender:
    """One delivery at a time, like Telegram with max_connections=1, so ordering is easy to test."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def run(self) -> None:
        state = self.state
        async with aiohttp.ClientSession(timeout=DELIVERY_TIMEOUT) as session:
            while not state.closing:
                hook = state.webhook
                if hook is None or not state.updates:
                    await state.wait_for_change(1.0)
                    continue
                update = state.updates[0]
                if hook.allowed_updates and update_type(update) not in hook.allowed_updates:
                    self._forget(update)
                    continue
                await self._deliver(session, hook, update)
                if state.webhook is hook:
                    self._forget(update)

    def _forget(self, update: dict[str, Any]) -> None:
        self.state.updates = [u for u in self.state.updates if u is not update]

    async def _deliver(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]
    ) -> None:
        """Try up to `webhook_attempts` times, backing off; give up on the update after that."""
        config = self.state.config
        metrics = self.state.metrics
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        for attempt in range(config.webhook_attempts):
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
            await asyncio.sleep(config.webhook_retry_delay * 2**attempt)
