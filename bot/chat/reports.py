"""Managers in chat: /report with period buttons, /subscribe, /unsubscribe, /indicator CODE.
Under a period's report come the surveys' results and charts (bot.chat.survey_results).

The role is read from the database on every update, so a revoked manager loses access
at once. A report is built inside the turn's transaction; the chart and the workbook are
drawn after it commits, in a thread, so neither the database nor other people's updates wait
while matplotlib draws; then they go through the outbox like the weekly report: within
Telegram's limits, retried, never twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Update

from bot.callbacks import pack, parse
from bot.chat.conversation.turn import Turn, run_turn
from bot.chat.managers import manager_actor
from bot.chat.survey_results import results_offer
from bot.i18n import t
from bot.keyboards import rows
from reports import numbers
from reports.aggregate import current_plan, observe
from reports.delivery import queue_files
from reports.drilldown import drill
from reports.indicators import IndicatorResult, evaluate
from reports.labels import label, reasons_text
from reports.model import DrillRow, WeeklyReport, drill_total
from reports.periods import NAMED_PERIODS, named_period
from reports.weekly import build_weekly_report, render_all
from services import roles
from storage.repositories import audit
from storage.repositories import reports as store

# Rows listed in chat; the workbook has all of them.
CHAT_ROWS = 15
NOTE_CHARS = 60
DASH = "—"


@dataclass
class Outgoing:
    """What to send once the turn has committed."""

    report: WeeklyReport | None = None
    lang: str = "tr"


async def report_menu(turn: Turn, update: Update) -> None:
    staff = await manager_actor(turn)
    if staff is None:
        return
    lang = staff.language
    turn.send(
        t(lang, "reports.choose_period"),
        rows(*[[(t(lang, f"reports.period.{name}"), pack("report", name))] for name in NAMED_PERIODS]),
    )


async def _period_flow(turn: Turn, update: Update, outgoing: Outgoing) -> None:
    staff = await manager_actor(turn)
    if staff is None:
        return
    callback = parse(update.callback_query.data if update.callback_query else None)
    if callback is None or callback.value not in NAMED_PERIODS:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    today = turn.now.astimezone(turn.services.zone).date()
    first, last = named_period(callback.value, today)
    turn.toast(t(staff.language, "reports.preparing", start=numbers.day(first), end=numbers.day(last)))
    outgoing.report = await build_weekly_report(
        turn.session, period_from=first, period_to=last, year=last.year, now=turn.now, zone=turn.services.zone
    )
    outgoing.lang = staff.language
    turn.send(*results_offer(staff.language, first, last))


async def report_period(update: Update, context: Any) -> None:
    outgoing = Outgoing()

    async def flow(turn: Turn, update: Update) -> None:
        await _period_flow(turn, update, outgoing)

    services = context.services
    await run_turn(update, services, context.bot, flow)
    if outgoing.report is None or update.effective_chat is None:
        return
    report, lang = outgoing.report, outgoing.lang
    files = await asyncio.to_thread(render_all, report, lang)
    caption = t(lang, "reports.files_caption", start=numbers.day(report.period_from), end=numbers.day(report.period_to))
    async with services.sessions.begin() as session:
        await queue_files(
            session, chat_id=update.effective_chat.id, key=f"asked:{update.update_id}", files=files, caption=caption,
            now=services.clock(),
        )


async def subscribe(turn: Turn, update: Update) -> None:
    staff = await manager_actor(turn)
    if staff is None:
        return
    added = await store.subscribe(turn.session, staff.staff_id, turn.now)
    if added:
        await _audit(turn, staff, "report.subscribe")
    turn.send(t(staff.language, "reports.subscribed" if added else "reports.already_subscribed"))


async def unsubscribe(turn: Turn, update: Update) -> None:
    staff = await manager_actor(turn)
    if staff is None:
        return
    removed = await store.unsubscribe(turn.session, staff.staff_id)
    if removed:
        await _audit(turn, staff, "report.unsubscribe")
    turn.send(t(staff.language, "reports.unsubscribed" if removed else "reports.not_subscribed"))


async def _audit(turn: Turn, staff: roles.Actor, action: str) -> None:
    await audit.append(
        turn.session, at=turn.now, actor=staff.label, action=action, object_type="report_subscription",
        object_id=str(staff.staff_id),
    )


async def indicator(turn: Turn, update: Update) -> None:
    """One indicator's year-to-date figure and the latest rows behind it."""
    staff = await manager_actor(turn)
    if staff is None:
        return
    lang = staff.language
    text = update.message.text if update.message and update.message.text else ""
    parts = text.split()
    year = turn.now.astimezone(turn.services.zone).year
    plan = await current_plan(turn.session, year)
    codes = [i.code for i in plan.indicators]
    if len(parts) != 2 or parts[1] not in codes:
        turn.send(t(lang, "reports.indicator.usage", codes=", ".join(codes)))
        return
    item = plan.indicator(parts[1])
    today = turn.now.astimezone(turn.services.zone).date()
    first = today.replace(month=1, day=1)
    observed = await observe(turn.session, first=first, last=today, zone=turn.services.zone, plan=plan)
    result = next(r for r in evaluate(plan, year, observed) if r.code == item.code)
    found = await drill(turn.session, item, first, today, turn.services.zone)
    lines = [
        t(
            lang,
            "reports.indicator.summary",
            code=item.code,
            name=item.short_in(lang),
            year=year,
            actual=t(lang, "reports.indicator.suppressed", n=result.n) if result.suppressed
            else _amount(result.actual, result.unit, lang),
            planned=_amount(result.planned, result.unit, lang),
            achievement=DASH if result.achievement is None else numbers.percent(100 * result.achievement, lang),
        )
    ]
    if result.ci95 is not None:
        low, high = result.ci95
        lines.append(t(lang, "reports.indicator.sample", n=result.n, low=numbers.percent(low, lang),
                       high=numbers.percent(high, lang)))
    flags = _flags(result, lang)
    if flags:
        lines.append(t(lang, "reports.indicator.flags", flags="; ".join(flags)))
    lines.append("")
    if not found:
        lines.append(t(lang, "reports.indicator.none"))
    else:
        lines.append(t(lang, "reports.indicator.rows", count=len(found)))
        lines += [_row_line(row, lang) for row in found[-CHAT_ROWS:]]
        if len(found) > CHAT_ROWS:
            lines.append(t(lang, "reports.indicator.more", count=len(found) - CHAT_ROWS))
        lines.append(_total_line(found, result, lang))
    turn.send("\n".join(lines))


def _flags(result: IndicatorResult, lang: str) -> list[str]:
    """The same flags as every other output of the figures: a small sample, a baseline nobody
    set, and why an indicator is left out of the target's covered weight."""
    flags = []
    if result.small_sample:
        flags.append(label("note_small_sample", lang))
    if result.covered and not result.baseline_known:
        flags.append(label("note_baseline_unknown", lang))
    if not result.covered:
        flags.append(t(lang, "reports.indicator.not_covered", reasons=reasons_text(result.uncovered_reasons, lang)))
    return flags


def _total_line(found: Sequence[DrillRow], result: IndicatorResult, lang: str) -> str:
    """What all the rows add up to (the ones not listed in chat too), beside the actual."""
    total = drill_total(found, result.unit)
    actual = (t(lang, "reports.indicator.suppressed", n=result.n) if result.suppressed
              else _amount(result.actual, result.unit, lang))
    if total.hidden or (result.unit == "percent" and result.suppressed):
        summed = t(lang, "reports.indicator.hidden")
    elif total.answers is not None:
        share = DASH if total.share is None else numbers.percent(total.share, lang)
        summed = f"{numbers.number(total.contribution, lang)}/{total.answers} = {share}"
    else:
        summed = numbers.number(total.contribution, lang)
    return t(lang, "reports.indicator.total", count=len(found), total=summed, actual=actual)


def _amount(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return DASH
    return numbers.percent(value, lang) if unit == "percent" else numbers.number(value, lang)


def _row_line(row: DrillRow, lang: str) -> str:
    when = numbers.moment(row.when) if isinstance(row.when, datetime) else numbers.day(row.when)
    value = None
    if row.value is not None:
        value = row.value if isinstance(row.value, str) else numbers.number(row.value, lang)
    note = row.note if row.note is None or len(row.note) <= NOTE_CHARS else row.note[: NOTE_CHARS - 1] + "…"
    version = f"v{row.survey_version}" if row.survey_version else None
    parts = [row.id, row.kind, when, row.centre, row.entered_by, version, value, note,
             label("review_short", lang) if row.review else None, _contribution(row, lang)]
    return "• " + " · ".join(str(part) for part in parts if part is not None and part != "")


def _contribution(row: DrillRow, lang: str) -> str:
    """What the row adds to the actual: 1 for a held event, satisfied/answers for a response."""
    if row.contribution is None:
        return t(lang, "reports.indicator.adds_hidden")
    amount = numbers.number(row.contribution, lang)
    return t(lang, "reports.indicator.adds", amount=f"{amount}/{row.answers}" if row.answers is not None else amount)
