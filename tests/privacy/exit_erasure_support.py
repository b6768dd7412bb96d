"""What the safe-exit, notification, erasure and before-consent attacks share: the real bot over
real HTTP to the emulator, whose outbox is drained only when a test says so and whose clock can
be moved, and the attacker's two views: every row of every table, and what the phone shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Text, cast, func, or_, select

from bot.outbox.drainer import Drainer, DrainStats
from bot.services import Services
from devtools.emulator import SimulatedUser
from services import events, invites, roles
from services.attendance import checkin_payload
from services.events import local_text
from storage.models import Base, Event
from tests.conftest import LiveBot, running_bot
from tests.waiting import eventually

Message = dict[str, Any]


class MovableClock:
    """The bot's clock: the real time plus an offset a test moves, as the emulator's can be."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(timezone.utc)


@dataclass
class Bot(LiveBot):
    clock: MovableClock

    async def drain(self) -> DrainStats:
        """Send what the outbox holds that is due, as the drain job would."""
        return await Drainer.for_services(self.services, self.application.bot).drain()


@pytest.fixture
async def bot(db, emulator_client, tmp_path) -> AsyncIterator[Bot]:
    """The real application polling the emulator; its outbox waits for `drain()`."""
    clock = MovableClock()
    async for live in running_bot(db, emulator_client, tmp_path, clock=clock, KENTBOT_OUTBOX_DRAIN="false"):
        yield Bot(live.emulator, live.services, live.application, clock)


# --- What the phone shows ------------------------------------------------------------------


def buttons(message: Message) -> list[dict[str, str]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def has_button(text: str):  # type: ignore[no-untyped-def]
    return lambda message: any(button["text"] == text for button in buttons(message))


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda message: fragment in (message.get("text") or "")


async def on_screen(user: SimulatedUser) -> list[Message]:
    """Every message of the chat still there, the person's own included."""
    return [m for m in await user.chat() if not m["deleted"]]


async def texts_on_screen(user: SimulatedUser) -> list[str]:
    return [m["text"] or m["caption"] or "" for m in await on_screen(user)]


async def after(user: SimulatedUser, action: Any, predicate: Any) -> Message:
    """Do something, then wait for a NEW bot message that matches."""
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await action
    return await user.wait_for(lambda m: m["message_id"] > seen and predicate(m), timeout=30)


async def press_on(user: SimulatedUser, text: str) -> str:
    """Press the button with this text on the newest message that has it."""
    message = await user.wait_for(has_button(text), timeout=30)
    return await user.press(text, message_id=message["message_id"])


async def answer_of(user: SimulatedUser, query_id: str) -> dict[str, Any]:
    """How the bot answered a button press (a toast or an alert)."""
    async def answer() -> dict[str, Any] | None:
        query = next(q for q in await user.callback_queries() if q["id"] == query_id)
        return query["answer"] if query["answered"] else None

    return await eventually(answer, f"the bot to answer the button press {query_id}")


async def settled(user: SimulatedUser, query_id: str) -> None:
    """Wait until the bot finished the turn of a button press (it answers the press last)."""
    await answer_of(user, query_id)


async def start_and_consent(user: SimulatedUser, payload: str = "") -> None:
    await user.send(f"/start {payload}".strip())
    await press_on(user, "Türkçe")
    await settled(user, await press_on(user, "Evet, onaylıyorum"))


async def finish_the_womens_survey(user: SimulatedUser, *, consented: bool = False) -> None:
    """Through the neutral link, as the poster has it, to the closing message with 112 and 155
    (`consented`: the person gave consent on their profile before, so it is not asked again)."""
    if consented:
        await user.send("/start degerlendirme")
    else:
        await start_and_consent(user, "degerlendirme")
    await user.wait_for(says("Son 12 ayda"), timeout=30)
    await after(user, press_on(user, "Evet"), says("Hangi destekleri aldınız?"))
    await press_on(user, "☐ Danışmanlık")
    await after(user, press_on(user, "✔ Tamam"), lambda m: bool(buttons(m)))
    for _ in range(10):
        current = (await user.bot_messages())[-1]
        options = [b for b in buttons(current) if b["callback_data"].startswith("a:")]
        if options:
            await after(user, user.press(options[-1]["text"], message_id=current["message_id"]), lambda m: True)
        elif any(b["callback_data"] == "q:skip" for b in buttons(current)):
            await after(user, user.press(callback_data="q:skip", message_id=current["message_id"]), lambda m: True)
        else:
            break
    await user.wait_for(says("Teşekkür ederiz. Yanıtınız kaydedildi."), timeout=30)
    assert any("112" in text and "155" in text for text in await texts_on_screen(user))


async def register_for(user: SimulatedUser, event: Event, services: Services) -> None:
    """/events, then the event, Register and agree, as a citizen does it."""
    await user.send("/events")
    await press_on(user, "Hepsi")
    await press_on(user, "Tüm merkezler")
    await press_on(user, f"{local_text(event.starts_at, services.zone)} · {event.title}"[:60])
    seen = max(m["message_id"] for m in await user.bot_messages())
    await press_on(user, "Kayıt ol")
    # The first registration asks for the events consent first; later ones go straight through.
    done = lambda m: says("Kaydınız alındı")(m) or says("Bekleme listesine alındınız")(m)  # noqa: E731
    shown = await user.wait_for(lambda m: m["message_id"] > seen and (done(m) or has_button("Evet, onaylıyorum")(m)), timeout=30)
    if has_button("Evet, onaylıyorum")(shown):
        await user.press("Evet, onaylıyorum", message_id=shown["message_id"])
        await user.wait_for(lambda m: m["message_id"] > shown["message_id"] and done(m), timeout=30)


async def apply_for_membership(user: SimulatedUser, member: str = "Hasan Demir") -> None:
    """/uye for a family member, contact by Telegram, with the health-data consent."""
    await user.send("/uye")
    # The membership consent, the first time.
    shown = await user.wait_for(lambda m: has_button("Bir yakınım için")(m) or has_button("Evet, onaylıyorum")(m), timeout=30)
    if has_button("Evet, onaylıyorum")(shown):
        await user.press("Evet, onaylıyorum", message_id=shown["message_id"])
    await press_on(user, "Bir yakınım için")
    await user.wait_for(says("adını ve soyadını"), timeout=30)
    await user.send(member)
    await user.wait_for(says("doğum tarihini"), timeout=30)
    await user.send("06.05.1945")
    await press_on(user, "Telegram'dan")
    await press_on(user, "Evet, onaylıyorum")
    await user.wait_for(says("Başvurunuz alındı"), timeout=30)


async def check_in(user: SimulatedUser, bot: Bot, event: Event) -> None:
    """The QR code at the event, scanned."""
    await after(user, user.send(f"/start {checkin_payload(bot.services.secret, event.id, bot.clock())}"), says("Katılımınız kaydedildi"))


# --- What the staff side prepares ------------------------------------------------------------


async def admin(bot: Bot, user_id: int = 9901) -> roles.Actor:
    async with bot.services.sessions.begin() as session:
        invite = await invites.create(session, role="admin", centre_id=None, hours=1, actor="cli:test", now=bot.clock())
        member = await invites.redeem(
            session, code=invite.code, telegram_user_id=user_id, display_name="Yönetici", language="tr", now=bot.clock()
        )
        return await roles.actor_for(session, member)


async def publish(bot: Bot, actor: roles.Actor, *, kind: str, centre: str, title: str, place: str, starts_at: datetime,
                  capacity: int | None = None) -> Event:
    async with bot.services.sessions.begin() as session:
        return await events.create(
            session, actor,
            events.Draft(type=kind, centre_id=centre, title=title, starts_at=starts_at, place=place, capacity=capacity,
                         audience="everyone", language="tr"),
            publish=True, now=bot.clock(),
        )


def tomorrow_at(bot: Bot, hour: int, minute: int = 0) -> datetime:
    """Tomorrow in İzmir, by the bot's clock, at this local time."""
    local = bot.clock().astimezone(bot.services.zone)
    day: date = local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=bot.services.zone).astimezone(timezone.utc)


def today_at(bot: Bot, hour: int, minute: int = 0) -> datetime:
    day = bot.clock().astimezone(bot.services.zone).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=bot.services.zone).astimezone(timezone.utc)


# --- What the database holds -------------------------------------------------------------------


# What the bot is shipped with (surveys, centres): it names surveys, never a person.
REFERENCE_TABLES = ("survey_definitions", "centres")


async def tables_holding(db, needles: list[str]) -> dict[str, int]:
    """Every table with a row in which some column holds one of the needles, as an attacker
    with a copy of the database would search it (needles in ASCII: JSON may escape the rest).
    The Telegram ids searched for are nine digits long, so a random code or hash does not hold
    one by chance, as a four-digit id did now and then."""
    found: dict[str, int] = {}
    async with db.sessions() as session:
        for table in (t for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES):
            # A time carries no id or name, but its digits can hold a Telegram id by chance.
            searched = [column for column in table.columns if not _is_time(column)]
            conditions = [cast(column, Text).contains(needle) for column in searched for needle in needles]
            count = (await session.execute(select(func.count()).select_from(table).where(or_(*conditions)))).scalar_one()
            if count:
                found[table.name] = count
    return found


def _is_time(column: Any) -> bool:
    try:
        return column.type.python_type in (datetime, date)
    except NotImplementedError:
        return False


async def chat_trails(db) -> list[Any]:
    """The chat trails: (key, message_ids, expires_at) rows."""
    async with db.sessions() as session:
        table = Base.metadata.tables["chat_trails"]
        return list((await session.execute(select(table))).all())


async def purge_expired_trails(bot: Bot) -> int:
    """What the trails job does every few minutes."""
    from bot.retention import purge_trails

    return await purge_trails(bot.services)


async def row_counts(db, *names: str) -> dict[str, int]:
    async with db.sessions() as session:
        tables = {table.name: table for table in Base.metadata.sorted_tables}
        return {name: (await session.execute(select(func.count()).select_from(tables[name]))).scalar_one() for name in names}
