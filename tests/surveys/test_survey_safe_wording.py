"""The sensitive survey's words are safe on a phone someone else may read: its closing message
begins with a line that names no topic, the support lines are given in full, every question but
the first (whom the survey is for) may be skipped, and the way out is said before the first question."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, t
from surveys.definition import load_shipped
from surveys.labels import label

WOMEN = load_shipped()["women_support"]
SUPPORT_LINES = ("112", "155", "156", "ALO 183")
# Words that would tell a reader of the lock screen what the conversation is about.
REVEALING = ("112", "155", "tehlike", "şiddet", "polis", "danger", "violence", "police", "خطر", "عنف", "شرطة")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_closing_message_begins_with_a_line_that_names_no_topic(lang: str) -> None:
    first, *rest = label(WOMEN.closing, lang).split("\n")
    assert not any(word in first.lower() for word in REVEALING), first
    assert rest and all(line in "\n".join(rest) for line in SUPPORT_LINES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_support_lines_are_one_command_away(lang: str) -> None:
    shown = t(lang, "help.text")
    assert all(line in shown for line in SUPPORT_LINES)


def test_every_question_but_the_eligibility_one_may_be_skipped() -> None:
    required = [question.id for question in WOMEN.questions if getattr(question, "required", False)]
    assert required == [WOMEN.eligibility.question]  # type: ignore[union-attr]


@pytest.mark.parametrize(("lang", "skip", "leave"), [("tr", "atlayabilirsiniz", "/cikis"), ("en", "skip", "/exit"), ("ar", "تخطي", "/exit")])
def test_the_introduction_says_questions_can_be_skipped_and_how_to_leave(lang: str, skip: str, leave: str) -> None:
    intro = label(WOMEN.intro, lang)
    assert skip in intro and leave in intro
