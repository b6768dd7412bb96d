"""/yorumlar (/comments): the free-text comments a staff member may read, newest first, a
page at a time with Previous and Next buttons.

Staff read the comments of their own centres, managers and admins every centre's; who may is
read from the database on every page, so a revoked member loses access at once. The anonymous
survey's comments are shown only in groups of at least 5, each alone, dated by its period
(reports.comments).
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.callbacks import pack, parse
from bot.chat.conversation.turn import Turn
from bot.chat.staff import button_message, staff_actor
from bot.i18n import t
from bot.keyboards import rows
from reports import numbers
from reports.comments import Comment
from reports.labels import label
from services.comments import readable
from surveys.labels import label as in_language

PAGE = 5


async def comments_command(turn: Turn, update: Update) -> None:
    today = turn.now.astimezone(turn.services.zone).date()
    await _page(turn, today, 0, None)


async def comments_button(turn: Turn, update: Update) -> None:
    callback = parse(update.callback_query.data if update.callback_query else None)
    parts = callback.value.split(".") if callback is not None else []
    if len(parts) != 2 or not all(part.isdigit() for part in parts) or len(parts[0]) != 8:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    try:
        last = date(int(parts[0][:4]), int(parts[0][4:6]), int(parts[0][6:]))
    except ValueError:
        turn.toast(turn.text("unexpected.stale_button"))
        return
    turn.toast()
    await _page(turn, last, int(parts[1]), button_message(update))


async def _page(turn: Turn, last: date, page: int, message_id: int | None) -> None:
    actor = await staff_actor(turn)
    if actor is None:
        return
    lang = actor.language
    first, comments = await readable(turn.session, actor, last)
    if not comments:
        turn.send(t(lang, "comments.none", start=numbers.day(first), end=numbers.day(last)))
        return
    pages = (len(comments) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    shown = comments[page * PAGE : (page + 1) * PAGE]
    header = t(lang, "comments.header", start=numbers.day(first), end=numbers.day(last), page=page + 1, pages=pages,
               count=len(comments))
    text = "\n\n".join([header, *(_comment(comment, lang) for comment in shown)])
    navigation = []
    stamp = f"{last:%Y%m%d}"
    if page > 0:
        navigation.append((t(lang, "comments.button.prev"), pack("comments", f"{stamp}.{page - 1}")))
    if page < pages - 1:
        navigation.append((t(lang, "comments.button.next"), pack("comments", f"{stamp}.{page + 1}")))
    keyboard = rows(navigation) if navigation else None
    if message_id is not None:
        turn.edit(message_id, text, keyboard)
    else:
        turn.send(text, keyboard)


def _comment(comment: Comment, lang: str) -> str:
    when = numbers.day(comment.day) if comment.day else t(lang, "comments.anonymous_period", period=comment.period)
    where = f" · {comment.centre}" if comment.centre else ""
    return t(
        lang, "comments.item", when=when, where=where, language=label(f"language_{comment.language}", lang),
        survey=in_language(comment.survey_title, lang), question=in_language(comment.question, lang),
        text=comment.text,
    )
