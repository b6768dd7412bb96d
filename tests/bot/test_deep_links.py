"""Deep links for posters and invitations: the sensitive survey is reached only by a neutral code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.conversation.deep_links import Target, make_payload, parse_payload
from bot.commands.links import survey_link
from surveys.definition import load_shipped, validate_files

SURVEYS = load_shipped()


def test_the_sensitive_survey_link_names_neither_topic_nor_centre() -> None:
    women = SURVEYS["women_support"]
    payload = make_payload(women, "konak-kadin")
    assert payload == "degerlendirme"
    assert parse_payload(payload, SURVEYS) == Target("women_support")


@pytest.mark.parametrize("payload", ["women_support", "degerlendirme__konak-kadin", "women_support__konak-kadin"])
def test_the_sensitive_survey_is_not_reached_by_its_id_or_with_a_centre(payload: str) -> None:
    assert parse_payload(payload, SURVEYS) is None


def test_an_ordinary_survey_keeps_its_id_and_centre() -> None:
    disability = SURVEYS["disability_centre"]
    assert make_payload(disability, "buca-engelli") == "disability_centre__buca-engelli"
    assert parse_payload("disability_centre__buca-engelli", SURVEYS) == Target("disability_centre", "buca-engelli")
    assert parse_payload("nothing_here", SURVEYS) is None
    assert parse_payload("x" * 65, SURVEYS) is None


def test_two_surveys_may_not_share_a_link_code(tmp_path: Path) -> None:
    source = Path("surveys/definitions/disability_centre.yaml").read_text(encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(source.replace("id: disability_centre", "id: other_survey\nlink: degerlendirme"), encoding="utf-8")
    women = Path("surveys/definitions/women_support.yaml")
    results = validate_files([women, other])
    assert results[str(women)] == []
    assert results[str(other)] == [
        f"{other}: field 'link': the code 'degerlendirme' already leads to survey 'women_support' in {women}; choose another"
    ]


async def test_the_neutral_code_opens_the_survey_and_the_id_does_not(inprocess_bot) -> None:
    user = 4301
    await inprocess_bot.feed(inprocess_bot.message_update(user, "/start women_support"))
    assert "Bu bağlantı geçerli değil. Açık anketleri görmek için /start yazın." in inprocess_bot.texts(user)
    other = 4302
    await inprocess_bot.feed(inprocess_bot.message_update(other, "/start degerlendirme"))
    for _ in ("language", "consent"):  # the first button of each: Turkish, then yes
        shown = inprocess_bot.last_live(other)
        await inprocess_bot.feed(inprocess_bot.callback_update(other, shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"], shown["message_id"]))
    assert any(text.startswith("Aldığınız destek hizmetini") for text in inprocess_bot.texts(other)), inprocess_bot.texts(other)


def test_poster_links_from_the_command_line(tmp_path: Path, capsys) -> None:
    assert survey_link("women_support", None, "@izmirbot", str(tmp_path / "poster.png")) == 0
    printed = capsys.readouterr().out
    assert "https://t.me/izmirbot?start=degerlendirme\n" in printed and (tmp_path / "poster.png").stat().st_size > 0
    assert survey_link("women_support", "konak-kadin", "izmirbot", None) == 1
    assert "names no centre" in capsys.readouterr().err
