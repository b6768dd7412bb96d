"""Every figure the public pages show is the one `kentbot indicators --json` gives for the same
database and year, in each language; every İNCELE link opens its indicator's page with the
same actual; a visitor who picks another year with the year selector gets that year's figures
on the card and behind every İNCELE link. The figures are read from the page rendered in
Chromium (`data-value` holds each figure as JSON beside its formatted text)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import EARLIER_YEAR, LANGUAGES, YEAR, Site, detail_path, home_path

CARD_FIELDS = ("weight", "planned", "actual", "achievement", "n", "ci_low", "ci_high", "small_sample", "baseline_known")

READ_CARDS = """() => Array.from(document.querySelectorAll('article.indicator')).map(card => ({
    code: card.dataset.code,
    fields: Object.fromEntries(Array.from(card.querySelectorAll('[data-field]'))
        .map(element => [element.dataset.field, element.dataset.value])),
    incele: Array.from(card.querySelectorAll('a.incele')).map(link => link.href),
}))"""


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def expected_card(indicator: dict[str, Any]) -> dict[str, Any]:
    """What a card must say, in the CLI's own values."""
    interval = indicator["ci95"] or [None, None]
    return {
        "weight": indicator["weight"], "planned": indicator["planned"], "actual": indicator["actual"],
        "achievement": indicator["achievement"], "n": indicator["n"], "ci_low": interval[0], "ci_high": interval[1],
        "small_sample": indicator["small_sample"], "baseline_known": indicator["baseline_known"],
    }


def field(page: Page, name: str) -> Any:
    """The one element's `data-value` for `name`, as the value it encodes."""
    elements = page.locator(f'[data-field="{name}"]')
    assert elements.count() == 1, f"{page.url}: {elements.count()} elements carry data-field={name}"
    value = elements.get_attribute("data-value")
    assert value is not None, f"{page.url}: data-field={name} has no data-value"
    return json.loads(value)


def check_target_card(page: Page, figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The target's and every card's figures equal the CLI's; returns the cards as read."""
    assert field(page, "target-achievement") == figures["achievement"], page.url
    assert field(page, "target-achievement-covered") == figures["achievement_of_covered"], page.url
    assert page.locator("body").get_attribute("data-computed-at"), page.url
    cards: list[dict[str, Any]] = page.evaluate(READ_CARDS)
    assert [card["code"] for card in cards] == [indicator["code"] for indicator in figures["indicators"]]
    for card, indicator in zip(cards, figures["indicators"], strict=True):
        shown = {name: json.loads(card["fields"][name]) for name in CARD_FIELDS if name in card["fields"]}
        assert shown == expected_card(indicator), f"{page.url} card {card['code']}"
        assert len(card["incele"]) == 1, f"{page.url} card {card['code']} has {len(card['incele'])} İNCELE links"
    return cards


def check_incele_links(page: Page, language: str, cards: list[dict[str, Any]], figures: dict[str, Any]) -> None:
    """Each card's İNCELE link opens its indicator's page, in the same language and year."""
    for card, indicator in zip(cards, figures["indicators"], strict=True):
        response = page.goto(card["incele"][0])
        assert response is not None and response.status == 200, card["incele"][0]
        assert page.url.split("?")[0].endswith(detail_path(language, card["code"])), page.url
        assert page.locator("html").get_attribute("lang") == language
        assert field(page, "actual") == indicator["actual"] == json.loads(card["fields"]["actual"]), page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_target_card_and_its_incele_links_show_the_figures_of_the_cli(
    site: Site, page: Page, language: str
) -> None:
    response = page.goto(site.url(home_path(language)))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    cards = check_target_card(page, site.figures[YEAR])
    check_incele_links(page, language, cards, site.figures[YEAR])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_year_picked_with_the_selector_shows_that_years_figures(site: Site, page: Page, language: str) -> None:
    page.goto(site.url(home_path(language)))
    assert site.figures[EARLIER_YEAR] != site.figures[YEAR]
    page.locator("select[name=yil]").select_option(str(EARLIER_YEAR))
    with page.expect_navigation():
        page.locator("form.year button[type=submit]").click()
    assert f"yil={EARLIER_YEAR}" in page.url
    cards = check_target_card(page, site.figures[EARLIER_YEAR])
    check_incele_links(page, language, cards, site.figures[EARLIER_YEAR])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_indicator_page_offers_its_open_data(site: Site, page: Page, language: str) -> None:
    for indicator in site.figures[YEAR]["indicators"]:
        page.goto(site.url(detail_path(language, indicator["code"])))
        links = page.eval_on_selector_all("a.download", "links => links.map(link => link.href)")
        suffixes = sorted(link.split("?")[0].rsplit(".", 1)[-1] for link in links)
        assert suffixes == ["csv", "json"], f"{page.url}: {links}"
        for link in links:
            download = page.request.get(link)
            assert download.status == 200, link
            assert indicator["code"] in download.text(), link
            if link.split("?")[0].endswith(".json"):
                assert [row["actual"] for row in download.json()] == [indicator["actual"]], link
