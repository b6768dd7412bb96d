"""Managers in chat: under a period's report, each survey's per-question results a page at a
time, and its chart of item scores per centre as a photo through the outbox.

The buttons carry the period's days, so a button pressed next week still shows the period the
report was for. Who may see them is read from the database on every press, under the same
permission as the reports. The figures, flags and hidden cells are those of every other output:
one result model (reports.results, reports.drivers), rendered as text or drawn as a chart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import pack, parse
from bot.chat.conversation.turn import Turn, run_turn
from bot.chat.managers import manager_actor
from bot.chat.staff import button_message
from bot.i18n import t
from bot.keyboards import rows
from reports import numbers
from reports.delivery import queue_photo
from reports.drivers import CentreComparison
from reports.render_results import drivers_text, results_text
from reports.weekly import item_chart, item_chart_name, survey_comparison
from services import roles
from storage.centres import shipped_by_id
from surveys.definition import load_shipped
from surveys.labels import label

PAGE_CHARS = 3500  # Telegram takes 4096 characters; room for the page line
FIRST = "s"  # the offer's button: the first page, as a new message


def results_offer(lang: str, first: date, last: date) -> tuple[str, InlineKeyboardMarkup]:
    """The message under a report: a results button and a chart button for each survey."""
    stamp = _stamp(first, last)
    buttons = []
    for survey in load_shipped().values():
        title = label(survey.title, lang)
        buttons.append([(t(lang, "reports.results.button", survey=title), pack("survey_results", f"{stamp}.{survey.id}.{FIRST}"))])
        buttons.append([(t(lang, "reports.results.chart_button", survey=title), pack("item_chart", f"{stamp}.{survey.id}"))])
    text = t(lang, "reports.results.offer", start=numbers.day(first), end=numbers.day(last))
    return text, rows(*buttons)


def result_pages(comparison: CentreComparison, lang: str) -> list[str]:
    """The city-wide results, then each centre's differences from the city, cut at question
    boundaries into pages that fit a message."""
    names = {centre_id: centre.name_in(lang) for centre_id, centre in shipped_by_id().items()}
    blocks = results_text(comparison.city).split("\n\n")
    for centre in comparison.centres:
        centre_id = centre.centre or ""
        blocks.append(drivers_text(comparison.drivers.get(centre_id, ()), names.get(centre_id, centre_id)))
    pages: list[str] = []
    for block in blocks:
        if pages and len(pages[-1]) + 2 + len(block) <= PAGE_CHARS:
            pages[-1] += "\n\n" + block
        else:
            pages.append(block[:PAGE_CHARS])
    return pages


async def results_button(turn: Turn, update: Update) -> None:
    """A page of a survey's results: the offer's button sends the first, Previous and Next
    change the page in place."""
    asked = await _asked(turn, update, with_page=True)
    if asked is None:
        return
    turn.toast()
    staff, (first, last, survey_id, page) = asked
    comparison = await survey_comparison(turn.session, load_shipped()[survey_id], first, last)
    pages = result_pages(comparison, staff.language)
    index = min(max(page or 0, 0), len(pages) - 1)
    lang = staff.language
    text = f"{pages[index]}\n\n{t(lang, 'reports.results.page', page=index + 1, pages=len(pages))}"
    stamp = _stamp(first, last)
    navigation = []
    if index > 0:
        navigation.append((t(lang, "comments.button.prev"), pack("survey_results", f"{stamp}.{survey_id}.{index - 1}")))
    if index < len(pages) - 1:
        navigation.append((t(lang, "comments.button.next"), pack("survey_results", f"{stamp}.{survey_id}.{index + 1}")))
    keyboard = rows(navigation) if navigation else None
    message_id = button_message(update)
    if page is not None and message_id is not None:
        turn.edit(message_id, text, keyboard)
    else:
        turn.send(text, keyboard)


@dataclass
class _Chart:
    comparison: CentreComparison | None = None
    lang: str = "tr"


async def chart_button(update: Update, context: Any) -> None:
    """The chart is built in the turn and drawn after it commits, in a thread, then queued."""
    chart = _Chart()

    async def flow(turn: Turn, update: Update) -> None:
        asked = await _asked(turn, update, with_page=False)
        if asked is None:
            return
        staff, (first, last, survey_id, _) = asked
        turn.toast(t(staff.language, "reports.results.preparing"))
        chart.comparison = await survey_comparison(turn.session, load_shipped()[survey_id], first, last)
        chart.lang = staff.language

    services = context.services
    await run_turn(update, services, context.bot, flow)
    if chart.comparison is None or update.effective_chat is None:
        return
    city, lang = chart.comparison.city, chart.lang
    png = await asyncio.to_thread(item_chart, chart.comparison, lang)
    caption = t(lang, "reports.results.chart_caption", survey=label(city.title, lang),
                start=numbers.day(city.first), end=numbers.day(city.last))
    name = item_chart_name(f"hedef-4.2-{city.first:%Y%m%d}-{city.last:%Y%m%d}", city.survey_id)
    async with services.sessions.begin() as session:
        await queue_photo(session, chat_id=update.effective_chat.id, key=f"asked:{update.update_id}:items", name=name,
                          png=png, caption=caption, now=services.clock())


def _stamp(first: date, last: date) -> str:
    return f"{first:%Y%m%d}{last:%Y%m%d}"


async def _asked(turn: Turn, update: Update, *, with_page: bool) -> tuple[roles.Actor, tuple[date, date, str, int | None]] | None:
    """The manager pressing and what their button asks for; None (a stale button told) otherwise."""
    staff = await manager_actor(turn)
    if staff is None:
        return None
    chosen = _chosen(update, with_page=with_page)
    if chosen is None:
        turn.toast(turn.text("unexpected.stale_button"))
        return None
    return staff, chosen


def _chosen(update: Update, *, with_page: bool) -> tuple[date, date, str, int | None] | None:
    """(first, last, survey, page) from a button; None for anything stale or forged. The
    page is None on the offer's button."""
    callback = parse(update.callback_query.data if update.callback_query else None)
    parts = callback.value.split(".") if callback is not None else []
    if len(parts) != (3 if with_page else 2) or len(parts[0]) != 16 or not parts[0].isdigit():
        return None
    if parts[1] not in load_shipped():
        return None
    try:
        first = date(int(parts[0][:4]), int(parts[0][4:6]), int(parts[0][6:8]))
        last = date(int(parts[0][8:12]), int(parts[0][12:14]), int(parts[0][14:]))
    except ValueError:
        return None
    if first > last:
        return None
    if not with_page or parts[2] == FIRST:
        return first, last, parts[1], None
    return (first, last, parts[1], int(parts[2])) if parts[2].isdigit() else None
