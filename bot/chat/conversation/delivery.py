"""The Telegram side of a turn: show what the flow decided, after its transaction committed.

New messages go one after the other, in order, stopping at the first one Telegram fails; edits
and deletions of older messages go alongside them, so the person waits one round trip less;
the button's answer comes last, so its spinner stops when the new messages are shown.

A failure is handled by its kind, never by guessing:
- a refusal (`BadRequest`: "query is too old", "message to edit not found", "chat not found")
  will be refused again: it is not tried again and costs no pause;
- `Forbidden`: the person blocked the bot; they are marked unreachable, as a block is;
- `RetryAfter`: python-telegram-bot's rate limiter has already waited and tried again; what is
  left of the sending is dropped;
- a time-out may have been delivered: not tried again, so nothing shows twice;
- any other network failure surely delivered nothing: tried again after a short pause.
Whatever is dropped, the state was saved: `/start` or a button shows the current step again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.metrics import Metrics

if TYPE_CHECKING:
    from bot.chat.conversation.turn import Action

log = logging.getLogger(__name__)

# Pauses before trying a failed call again; only failures that surely delivered nothing.
RETRY_PAUSES = (0.2, 0.8)


@dataclass
class Shown:
    """What reached the person: the ids of the new messages Telegram accepted, in order, the
    id of the live one if it went out, and whether Telegram said the person blocked the bot."""

    sent: list[int] = field(default_factory=list)
    live: int | None = None
    unreachable: bool = False


async def show(actions: Sequence[Action], update: Update, bot: Bot, chat_id: int, metrics: Metrics) -> Shown:
    shown = Shown()
    alongside = [_touch(action, bot, chat_id) for action in actions if action.kind in ("edit", "edit_keyboard", "delete")]
    touching = asyncio.ensure_future(_in_order(alongside, update.update_id, shown, metrics)) if alongside else None
    try:
        toast = await _send(actions, bot, chat_id, shown)
        query = update.callback_query
        if query is not None:
            # A refusal ("query is too old") is fine: the person already sees the result.
            await _tolerant(
                lambda: query.answer(
                    toast.text if toast else None, show_alert=bool(toast and toast.alert)
                )
            )
    except Forbidden as error:
        metrics.telegram_error(error)
        shown.unreachable = True
        log.info("update %s: the person blocked the bot (%s)", update.update_id, error.message)
    except BadRequest as error:
        metrics.telegram_error(error)
        log.error("update %s: Telegram refused a message (%s); the state is saved, the rest is not shown", update.update_id, error)
    except RetryAfter as error:
        metrics.telegram_error(error)
        log.warning("update %s: Telegram's flood control held on (%s); the state is saved, the rest is not shown", update.update_id, error)
    except TelegramError as error:
        metrics.telegram_error(error)
        log.warning("update %s: Telegram failed part-way (%s); the state is saved, the rest is not shown", update.update_id, error)
    finally:
        if touching is not None:
            await touching
    return shown


async def _send(actions: Sequence[Action], bot: Bot, chat_id: int, shown: Shown) -> Action | None:
    toast: Action | None = None
    for action in actions:
        if action.kind == "send":
            if action.live:
                shown.live = None  # until this one is on screen, no older one is the live one
            message = await _retried(
                partial(
                    _post, bot, "sendMessage",
                    chat_id=chat_id, text=action.text or "", disable_notification=action.quiet, reply_markup=action.keyboard,
                )
            )
            shown.sent.append(message["message_id"])
            if action.live:
                shown.live = message["message_id"]
        elif action.kind == "toast":
            toast = toast or action
    return toast


def _touch(action: Action, bot: Bot, chat_id: int) -> Callable[[], Awaitable[Any]]:
    """The call that edits or deletes older messages for `action`."""
    if action.kind == "edit":
        return partial(
            _post, bot, "editMessageText",
            chat_id=chat_id, message_id=action.message_id, text=action.text or "", reply_markup=action.keyboard,
        )
    if action.kind == "edit_keyboard":
        return partial(_post, bot, "editMessageReplyMarkup", chat_id=chat_id, message_id=action.message_id, reply_markup=action.keyboard)

    async def delete() -> None:
        for start in range(0, len(action.message_ids), 100):  # Telegram deletes 100 per call
            await _tolerant(partial(bot.delete_messages, chat_id, action.message_ids[start : start + 100]))

    return delete


async def _post(bot: Bot, method: str, **params: Any) -> Any:
    """A Bot API call whose answer is kept as Telegram sent it (a sent message's id is all a
    turn reads of it). python-telegram-bot's own methods turn every message returned into
    objects, its text and each of its buttons: most of a turn's Telegram cost, for nothing read.
    The call still passes the bot's rate limiter and request, and fails with the same errors."""
    return await bot._post(method, params)  # noqa: SLF001  # the one method under all of the bot's calls


async def _in_order(calls: list[Callable[[], Awaitable[Any]]], update_id: int, shown: Shown, metrics: Metrics) -> None:
    """Edits and deletions one after the other; a failure is logged and ends them, never the
    turn: no state depends on them (a message left with old buttons has them refused)."""
    try:
        for call in calls:
            await _tolerant(call)
    except Forbidden as error:
        metrics.telegram_error(error)
        shown.unreachable = True
        log.info("update %s: the person blocked the bot (%s)", update_id, error.message)
    except TelegramError as error:
        metrics.telegram_error(error)
        log.warning("update %s: Telegram failed to change an older message (%s); the rest of such changes is dropped", update_id, error)


async def _retried(call: Callable[[], Awaitable[Any]]) -> Any:
    """Try again only after a network failure that surely delivered nothing: not after a
    refusal (it would be refused again) nor after a time-out (it may have been delivered)."""
    for pause in RETRY_PAUSES:
        try:
            return await call()
        except (BadRequest, TimedOut):
            raise
        except NetworkError as error:
            log.info("Telegram call failed (%s); trying again in %.1f s", error, pause)
            await asyncio.sleep(pause)
    return await call()


async def _tolerant(call: Callable[[], Awaitable[Any]]) -> None:
    """Edits and deletions of messages that are gone or unchanged, and late answers to a
    button, are refused by Telegram; they are not failures."""
    try:
        await _retried(call)
    except BadRequest as error:
        log.info("ignored Telegram refusal: %s", error.message)
