"""Free-text comments: who reads which in chat (through the real bot and the emulator), the
anonymous survey's group rule, and the workbook's comments sheet."""

from __future__ import annotations

from datetime import date, datetime, timezone
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from reports.comments import comment_list
from reports.render_xlsx import render_xlsx
from reports.weekly import build_weekly_report
from storage.comment_rows import CommentRow
from storage.models import StaffCentre, StaffMember
from surveys.definition import load_shipped
from tests.reports.comments_sample import BORNOVA, IDENTIFIED, seed

ISTANBUL = ZoneInfo("Europe/Istanbul")
TIMEOUT = 30


def _today() -> date:
    return datetime.now(timezone.utc).astimezone(ISTANBUL).date()


async def _member(db, telegram_user_id: int, role: str, centre: str | None = None) -> None:
    async with db.sessions.begin() as session:
        member = StaffMember(telegram_user_id=telegram_user_id, display_name=f"{role} {telegram_user_id}", role=role,
                             language="tr", created_at=datetime.now(timezone.utc))
        session.add(member)
        await session.flush()
        if centre:
            session.add(StaffCentre(staff_id=member.id, centre_id=centre))


def _text(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


async def _all_pages(person) -> str:
    """Every page of the comment list, pressing Next until there is none."""
    await person.send("/yorumlar")
    message = await person.wait_for(_text("Yorumlar,"), timeout=TIMEOUT)
    seen = [message["text"]]
    while any(b["text"] == "Sonraki ▶" for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
              for b in row):
        page = len(seen) + 1
        await person.press("Sonraki ▶", message_id=message["message_id"])
        message = await person.wait_for(_text(f"sayfa {page}/"), timeout=TIMEOUT)
        seen.append(message["text"])
    return "\n".join(seen)


async def test_staff_read_their_own_centres_comments_managers_all_citizens_none(live_bot, db) -> None:
    async with db.sessions.begin() as session:
        await seed(session, _today())
    await _member(db, 8201, "staff", BORNOVA)
    await _member(db, 8202, "staff", "konak-kadin")
    await _member(db, 8203, "manager")

    own = await _all_pages(live_bot.citizen(8201, "tr"))
    assert all(text in own for centre, _, text in IDENTIFIED if centre == BORNOVA)
    assert "Buca" not in own and "anonim yorum" not in own
    # Newest first.
    assert own.index("fizyoterapi") < own.index("personeli") < own.index("kurs saatleri")

    other = live_bot.citizen(8202, "tr")
    await other.send("/yorumlar")
    await other.wait_for(_text("size gösterilebilecek yorum yok"), timeout=TIMEOUT)

    citizen = live_bot.citizen(8204, "tr")
    await citizen.send("/comments")
    await citizen.wait_for(_text("yalnızca belediye personeli"), timeout=TIMEOUT)
    assert not any("Bornova" in (m.get("text") or "") for m in await citizen.bot_messages())

    every = await _all_pages(live_bot.citizen(8203, "tr"))
    assert all(text in every for _, _, text in IDENTIFIED)
    assert sum(f"Bu ay anonim yorum {i}" in every for i in range(5)) == 5
    # Last month's anonymous group has 4 comments: none is shown.
    assert "Geçen ay anonim yorum" not in every
    assert "anonim anket" in every and "Arapça" in every


def test_anonymous_comments_only_in_groups_of_five_alone_and_without_their_day() -> None:
    surveys = load_shipped()

    def rows(count: int, period: str, day: date) -> list[CommentRow]:
        return [CommentRow("women_support", True, "comment", f"yorum {period} {i}", day, period, "tr", None, None)
                for i in range(count)]

    comments = comment_list(rows(4, "2026-03", date(2026, 3, 9)) + rows(5, "2026-04", date(2026, 4, 2)), surveys)
    assert [c.text for c in comments] == [f"yorum 2026-04 {i}" for i in range(5)]
    assert all(c.day is None and c.period == "2026-04" and c.question_id == "comment" for c in comments)
    assert comment_list(rows(4, "2026-04", date(2026, 4, 2)), surveys) == ()
    # Identified comments are shown one by one, with their day.
    identified = [CommentRow("disability_centre", False, "comment", "tek yorum", date(2026, 4, 3), "2026-Q2", "en",
                             BORNOVA, "Bornova")]
    assert [(c.text, c.day) for c in comment_list(identified, surveys)] == [("tek yorum", date(2026, 4, 3))]


async def test_the_weekly_workbook_lists_the_comments_that_may_be_shown(db) -> None:
    today = _today()
    async with db.sessions.begin() as session:
        await seed(session, today)
    first = (today.replace(day=1) - date.resolution).replace(day=1)
    async with db.sessions() as session:
        report = await build_weekly_report(session, period_from=first, period_to=today, year=today.year,
                                           now=datetime.now(timezone.utc))
    book = load_workbook(BytesIO(render_xlsx(report, "tr")))
    sheet = book["Yorumlar"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Tarih", "Dönem", "Merkez", "Dil", "Anket", "Soru", "Yorum"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    texts = [row[6] for row in table]
    in_year = [text for centre, days_ago, text in IDENTIFIED]
    assert sorted(texts) == sorted(in_year + [f"Bu ay anonim yorum {i}" for i in range(5)])
    anonymous = [row for row in table if "anonim" in row[6]]
    # Alone: no day, no centre, and nothing of the other answers of the response.
    assert all(row[0] is None and row[2] is None and row[3] == "Arapça" for row in anonymous)
    assert all(row[5] == "Eklemek istediğiniz bir şey var mı?" for row in anonymous)
    dated = [row[0] for row in table if row[0] is not None]
    assert dated == sorted(dated, reverse=True)
