"""Attacks on the free text of the anonymous survey: whatever a woman types, what is kept
holds no phone number in any usual Turkish spelling, none of her own names as Telegram shows
them, and no invisible character that could mark her text apart.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Text, cast, func, or_, select

from bot.anonymous_storage import tidy
from devtools.emulator import SimulatedUser
from storage.models import Answer, Base
from surveys import engine
from surveys.definition import load_shipped
from surveys.redaction import PLACEHOLDER, redact

SURVEYS = load_shipped()
WOMEN = SURVEYS["women_support"]
INVISIBLE = {"Cf", "Cc", "Cs"}

# --- Strategies ----------------------------------------------------------------------------

DIGIT_SETS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９")


def _spell(national: str, form: int, digits: str) -> str:
    """A 10-digit national number (5xx mobile or 2xx-4xx landline) as people write it."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    spelled = [
        national, "0" + national, "+90" + national, "0090" + national, "90" + national,
        f"0{a} {b} {c} {d}", f"({a}) {b} {c} {d}", f"0 ({a}) {b} {c} {d}", f"+90 ({a}) {b}-{c}-{d}",
        f"{a}-{b}-{c}{d}", f"0{a}.{b}.{c}.{d}", f"+90 {a} {b} {c} {d}", f"0{a}/{b} {c} {d}", f"0{a} - {b} - {c} - {d}",
    ][form]
    return spelled.translate(str.maketrans("0123456789", digits))


NATIONAL = st.builds(
    lambda head, rest: head + rest,
    st.sampled_from(["5", "2", "3", "4"]),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
PHONE = st.builds(lambda n, form, digits: (n, _spell(n, form, digits)), NATIONAL, st.integers(0, 13),
                  st.sampled_from(DIGIT_SETS))
TURKISH_LETTERS = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"
NAME = st.text(alphabet=TURKISH_LETTERS + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=2, max_size=12)
USERNAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=5, max_size=20).filter(
    lambda name: not name.isdigit()
)
_FOLD = {char: group[0] for group in ("iıİI", "sşSŞ", "cçCÇ", "gğGĞ", "oöOÖ", "uüUÜ") for char in group}


def fold(text: str) -> str:
    """Turkish-insensitive and case-insensitive: how a reader would still recognise a name."""
    return "".join(_FOLD.get(char, char.lower()) for char in text)


SPELLINGS = (
    lambda name: name,
    lambda name: name.upper(),
    lambda name: name.lower(),
    lambda name: name.replace("i", "İ").replace("ı", "I").upper(),  # Turkish capitals
    lambda name: name.translate(str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")),  # typed without marks
    lambda name: "@" + name,
)


def digits_of(text: str) -> str:
    return "".join(str(unicodedata.digit(char)) for char in text if char.isdigit() and unicodedata.digit(char, None) is not None)


# --- Properties of the redaction -----------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(PHONE, st.text(max_size=40), st.text(max_size=40))
def test_a_phone_number_written_anyhow_and_anywhere_never_survives(phone: tuple[str, str], before: str, after: str) -> None:
    national, written = phone
    kept = redact(before + written + after).text
    assert national not in digits_of(kept)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.lists(st.one_of(NAME, USERNAME, st.text(max_size=12)), max_size=3))
def test_redaction_is_idempotent(text: str, names: list[str]) -> None:
    once = redact(text, names).text
    assert redact(once, names).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_invisible_character_survives(text: str) -> None:
    kept = redact(text).text
    assert not [char for char in kept if unicodedata.category(char) in INVISIBLE and char not in "\n\t"]


@settings(max_examples=300, deadline=None)
@given(NAME, NAME, USERNAME, st.integers(0, 2), st.sampled_from(SPELLINGS), st.text(max_size=30), st.text(max_size=30))
def test_her_own_name_written_anyhow_and_anywhere_never_survives(
    first: str, last: str, username: str, which: int, spelling, before: str, after: str
) -> None:
    name = (first, last, username)[which]
    kept = redact(f"{before} {spelling(name)} {after}", (first, last, username)).text
    assert not re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", fold(kept))


# --- The engine, fed the names by the chat -------------------------------------------------


def at_comment() -> engine.SessionState:
    comment = next(q for q in WOMEN.questions if q.type == "text")
    return engine.SessionState(survey_id=WOMEN.id, version=WOMEN.version, current=comment.id, answers={},
                               path=[], pending=[], status="active", prefilled=[])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_no_invisible_character_is_kept_in_any_typed_answer(before: str, after: str) -> None:
    """Every survey, anonymous or not: the answer kept has no invisible character."""
    for defn in SURVEYS.values():
        comment = next(q for q in defn.questions if q.type == "text")
        state = engine.SessionState(survey_id=defn.id, version=defn.version, current=comment.id, answers={},
                                    path=[], pending=[], status="active", prefilled=[])
        step = engine.resume(defn, state, engine.Text(before + "\u200bx\u202e" + after))
        kept = step.state.answers.get(comment.id, "")
        assert not [char for char in kept if unicodedata.category(char) in INVISIBLE and char not in "\n\t"]


def test_the_engine_removes_her_names_and_says_so() -> None:
    step = engine.resume(WOMEN, at_comment(), engine.Text("ZEYNEP KAYA olarak yazıyorum, zeynep_k"),
                         names=("Zeynep", "Kaya", "zeynep_k"))
    assert step.state.answers["comment"] == f"{PLACEHOLDER} {PLACEHOLDER} olarak yazıyorum, {PLACEHOLDER}"
    assert step.events[0] == engine.Redacted("comment", ("name",))
    both = engine.resume(WOMEN, at_comment(), engine.Text("Zeynep, 5321234567"), names=("Zeynep",))
    assert both.events[0] == engine.Redacted("comment", ("contact", "name"))


# --- Through the real bot ------------------------------------------------------------------


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def after(user: SimulatedUser, action, predicate) -> dict[str, Any]:
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await action
    return await user.wait_for(lambda m: m["message_id"] > seen and predicate(m))


async def to_the_comment(user: SimulatedUser) -> None:
    await after(user, user.send("/start degerlendirme"), lambda m: any(b["text"] == "Türkçe" for b in buttons(m)))
    await after(user, user.press("Türkçe"), lambda m: any(b["text"] == "Evet, onaylıyorum" for b in buttons(m)))
    await after(user, user.press("Evet, onaylıyorum"), lambda m: "Son 12 ayda" in (m["text"] or ""))
    await after(user, user.press("Evet"), lambda m: "Hangi destekleri aldınız?" in (m["text"] or ""))
    await user.press("☐ Danışmanlık")
    await after(user, user.press("✔ Tamam"), lambda m: bool(buttons(m)))
    for _ in range(10):
        current = (await user.bot_messages())[-1]
        options = [b for b in buttons(current) if b["callback_data"].startswith("a:")]
        if not options:
            break
        await after(user, user.press(options[-1]["text"], message_id=current["message_id"]), lambda m: True)
    assert "Eklemek istediğiniz" in (await user.bot_messages())[-1]["text"]


async def found_anywhere(db, needles: list[str]) -> list[str]:
    """Tables where any column holds any of the needles."""
    found = []
    async with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            conditions = [cast(column, Text).contains(needle) for column in table.columns for needle in needles]
            if (await session.execute(select(func.count()).select_from(table).where(or_(*conditions)))).scalar_one():
                found.append(table.name)
    return found


async def test_her_name_number_and_hidden_marks_are_not_kept(live_bot, db) -> None:
    """She writes her own name (as Telegram shows it), her number glued to a Turkish ending,
    her user name, and zero-width and right-to-left marks a coercer could use to find her text."""
    zeynep = SimulatedUser(live_bot.emulator, 5401, "Zeynep", "tr", username="zeynep_izmir", last_name="Kaya")
    await to_the_comment(zeynep)

    typed = "Ben zeynep KAYA, beni 5321234567den arayın. Telegram: @zeynep_izmir\u200b\u200d\u202e."
    notice = await after(zeynep, zeynep.send(typed), lambda m: "kimse size ulaşamaz" in (m["text"] or ""))

    assert "112" in notice["text"]
    await zeynep.wait_for(lambda m: "Teşekkür ederiz. Yanıtınız kaydedildi." in (m["text"] or ""))
    await tidy(live_bot.services, live_bot.services.clock(), release_all=True)  # the pool is released
    async with db.sessions() as session:
        comment = (await session.execute(select(Answer.value).where(Answer.question_id == "comment"))).scalar_one()
    assert comment == "Ben [silindi] [silindi], beni [silindi]den arayın. Telegram: @[silindi]."
    assert await found_anywhere(db, ["Zeynep", "zeynep", "Kaya", "KAYA", "5321234567", "\u200b", "\u202e"]) == []


async def test_a_name_alone_is_removed_and_she_is_told_so(live_bot, db) -> None:
    nur = SimulatedUser(live_bot.emulator, 5402, "Nur", "tr")
    await to_the_comment(nur)

    notice = await after(nur, nur.send("Nur'a çok yardımcı oldular"), lambda m: "adınızı sildik" in (m["text"] or ""))

    assert "anonimdir" in notice["text"]
    await nur.wait_for(lambda m: "Teşekkür ederiz. Yanıtınız kaydedildi." in (m["text"] or ""))
    await tidy(live_bot.services, live_bot.services.clock(), release_all=True)
    async with db.sessions() as session:
        comment = (await session.execute(select(Answer.value).where(Answer.question_id == "comment"))).scalar_one()
    assert comment == "[silindi] çok yardımcı oldular"
