"""The pages as they are laid out: Arabic right to left, and no sideways scrolling on a
360-pixel-wide phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site
from tests.browser.pages import PAGES

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def wide(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDE)
    yield context.new_page()
    context.close()


def card_boxes(page: Page) -> list[dict[str, float]]:
    boxes = page.eval_on_selector_all(
        "article.indicator", "cards => cards.map(card => { const box = card.getBoundingClientRect();"
        " return {left: box.left, right: box.right, top: box.top}; })"
    )
    assert len(boxes) >= 2, page.url
    return boxes


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(sqlite_site: Site, phone: Page, path: str) -> None:
    response = phone.goto(sqlite_site.url(path))
    assert response is not None and response.status == 200
    width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[1] == PHONE["width"], f"the page is laid out {width[1]} px wide, not the phone's width"
    assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"


def test_the_arabic_page_runs_right_to_left(sqlite_site: Site, wide: Page) -> None:
    wide.goto(sqlite_site.url("/ar"))
    assert wide.evaluate("() => getComputedStyle(document.documentElement).direction") == "rtl"
    assert wide.locator("html").get_attribute("dir") == "rtl"
    first, second = card_boxes(wide)[:2]
    assert first["top"] == second["top"], "the first two cards should share a row on a wide screen"
    assert first["left"] > second["left"], "the first card is not on the right"


def test_the_english_page_runs_left_to_right(sqlite_site: Site, wide: Page) -> None:
    wide.goto(sqlite_site.url("/en"))
    assert wide.evaluate("() => getComputedStyle(document.documentElement).direction") == "ltr"
    first, second = card_boxes(wide)[:2]
    assert first["top"] == second["top"]
    assert first["left"] < second["left"]
