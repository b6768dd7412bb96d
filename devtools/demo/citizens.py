"""Simulated citizens for the demo: they read the bot's buttons like a person would and answer
from a seeded random model, so a run is repeatable and its figures can be checked."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

from bot.chat.conversation.deep_links import make_payload
from devtools.emulator import EmulatorClient, SimulatedUser
from surveys.definition import SurveyDefinition
from surveys.labels import label

FIRST_NAMES = {
    "tr": ("Ayşe", "Fatma", "Mehmet", "Zeynep", "Emine", "Hatice", "Ali", "Elif"),
    "en": ("Anna", "John", "Maria", "David"),
    "ar": ("Layla", "Omar", "Fatima", "Yusuf", "Amira"),
}
LANGUAGE_WEIGHTS = (("tr", 0.7), ("ar", 0.2), ("en", 0.1))
COMMENTS = {
    "tr": ("Personel çok ilgili.", "Ulaşım zor.", "Teşekkürler."),
    "en": ("Friendly staff.", "Hard to get there.", "Thank you."),
    "ar": ("الموظفون لطفاء.", "الوصول صعب.", "شكراً."),
}
STEP_LIMIT = 60
# A pause before looking at the bot's answer, as a person would; it also keeps the
# simulated citizens from drowning the emulator in polls.
THINKING_SECONDS = 0.15
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Persona:
    user_id: int
    language: str
    first_name: str
    mood: float  # 0 unhappy .. 1 delighted: drives the Likert answers
    surveys: tuple[str, ...]
    centre_poster: str | None  # arrived through a centre's QR poster


def personas(count: int, seed: int, disability_centres: list[str]) -> list[Persona]:
    rng = random.Random(seed)
    people = []
    for index in range(count):
        language = rng.choices([lang for lang, _ in LANGUAGE_WEIGHTS], [w for _, w in LANGUAGE_WEIGHTS])[0]
        surveys = [name for name, share in (("women_support", 0.45), ("disability_centre", 0.6)) if rng.random() < share]
        people.append(
            Persona(
                user_id=700_000 + index,
                language=language,
                first_name=rng.choice(FIRST_NAMES[language]),
                mood=rng.betavariate(4, 2),
                surveys=tuple(surveys or ["disability_centre"]),
                centre_poster=rng.choice(disability_centres) if rng.random() < 0.5 else None,
            )
        )
    return people


def likert(rng: random.Random, mood: float) -> str:
    """A 1-5 answer centred on the persona's mood, with some noise."""
    value = round(1 + 4 * min(1.0, max(0.0, rng.gauss(mood, 0.18))))
    return str(min(5, max(1, value)))


class CitizenDriver:
    """Plays one persona through its surveys over the emulator's simulated-user API."""

    def __init__(self, client: EmulatorClient, persona: Persona, surveys: dict[str, SurveyDefinition], seed: int) -> None:
        self.persona = persona
        self.surveys = surveys
        self.rng = random.Random(seed * 1_000_003 + persona.user_id)
        self.user = SimulatedUser(client, persona.user_id, persona.first_name, persona.language)

    async def run(self) -> int:
        """Complete every survey of the persona; returns how many were completed."""
        completed = 0
        for survey_id in self.persona.surveys:
            centre = self.persona.centre_poster if survey_id == "disability_centre" else None
            await self._start(make_payload(self.surveys[survey_id], centre))  # as the poster's QR code has it
            completed += await self._answer_until_done(self.surveys[survey_id])
        return completed

    async def _answer_until_done(self, definition: SurveyDefinition) -> int:
        closing = label(definition.closing, self.persona.language)
        # Those who came by the poster used the services: they say so to the first question.
        eligibility = None if definition.eligibility is None else label(
            next(q.label for q in definition.questions if q.id == definition.eligibility.question), self.persona.language)
        for _ in range(STEP_LIMIT):
            live = await self._live()
            if live is None or self._data(live)[0].startswith("x:"):
                return await self._closed(closing)
            if eligibility is not None and eligibility in (live.get("text") or ""):
                await self._press(live, "a:yes")
                continue
            await self._act(live)
        raise RuntimeError(f"citizen {self.persona.user_id} did not finish {definition.id}")

    async def _act(self, live: dict[str, Any]) -> None:
        data = self._data(live)
        # Before consent the buttons also carry the chosen language and the poster's link.
        language = next((d for d in data if d.split(".")[0] == f"l:{self.persona.language}"), None)
        consent = next((d for d in data if d.split(".")[0] in ("c:yes", "h:yes")), None)
        if language is not None:
            await self._press(live, language)
        elif consent is not None:  # the consent for surveys, or for health data when answering for oneself
            await self._press(live, consent)
        elif any(d.startswith("t:") for d in data):
            toggles = [d for d in data if d.startswith("t:")]
            for choice in self.rng.sample(toggles, k=min(len(toggles), self.rng.randint(1, 2))):
                await self._press(live, choice)
            await self._press(live, "q:submit")
        elif any(d.startswith("a:") for d in data):
            options = [d for d in data if d.startswith("a:")]
            if "q:skip" in data and self.rng.random() < 0.03:
                await self._press(live, "q:skip")  # a question some prefer not to answer
            elif options[:5] == [f"a:{v}" for v in "12345"]:
                # A rating; where "does not apply" is offered, some people use it.
                not_applicable = "a:na" in options and self.rng.random() < 0.1
                await self._press(live, "a:na" if not_applicable else f"a:{likert(self.rng, self.persona.mood)}")
            else:
                await self._press(live, self.rng.choice(options))
        elif "q:next" in data:
            await self._press(live, "q:next")
        elif self.rng.random() < 0.3:
            await self._typed(self.rng.choice(COMMENTS[self.persona.language]), wait_for_live=live["message_id"])
        elif "q:skip" in data:
            await self._press(live, "q:skip")
        else:
            await self._typed(self.rng.choice(COMMENTS[self.persona.language]), wait_for_live=live["message_id"])

    @staticmethod
    def _data(message: dict[str, Any]) -> list[str]:
        markup = message.get("reply_markup") or {}
        return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row] or [""]

    async def _live(self) -> dict[str, Any] | None:
        """The one message whose buttons still count (the bot removes the others; the button to
        the full information notice stays under the short notice, and is not a step)."""
        for message in reversed(await self.user.bot_messages()):
            if message.get("reply_markup") and not all(d.startswith("n:") for d in self._data(message)):
                return message
        return None

    async def _press(self, message: dict[str, Any], data: str) -> None:
        query_id = await self.user.press(callback_data=data, message_id=message["message_id"])
        # The bot answers the button last, once everything it decided is shown.
        await asyncio.sleep(THINKING_SECONDS)
        for _ in range(300):
            queries = await self.user.callback_queries()
            if any(q["id"] == query_id and q["answered"] for q in queries):
                return
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"the bot did not answer button {data!r}")

    async def _closed(self, closing: str) -> int:
        """1 once the survey's closing message is shown (it follows the last answer)."""
        for _ in range(100):
            if any(closing == (m.get("text") or "") for m in await self.user.bot_messages()):
                return 1
            await asyncio.sleep(POLL_SECONDS)
        return 0

    async def _start(self, payload: str) -> None:
        seen = max((m["message_id"] for m in await self.user.chat()), default=0)
        await self.user.send(f"/start {payload}")
        await asyncio.sleep(THINKING_SECONDS)
        for _ in range(300):
            live = await self._live()
            if live is not None and live["message_id"] > seen:
                return
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"the bot did not answer /start for citizen {self.persona.user_id}")

    async def _typed(self, text: str, wait_for_live: int) -> None:
        await self.user.send(text)
        await asyncio.sleep(THINKING_SECONDS)
        for _ in range(300):
            live = await self._live()
            if live is None or live["message_id"] != wait_for_live:
                return
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"the bot did not take the answer of citizen {self.persona.user_id}")
