"""axe-core (the npm package pinned in devtools/browser) finds no serious or critical
accessibility violation on any public page. Lesser findings are printed, not failed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from devtools.browser import axe
from tests.browser.conftest import Site
from tests.browser.pages import PAGES


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    # The pages' Content-Security-Policy refuses injected scripts; the test alone sets it aside.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious(sqlite_site: Site, page: Page, path: str) -> None:
    response = page.goto(sqlite_site.url(path))
    assert response is not None and response.status == 200
    found = axe.violations(page)
    if found:
        print(f"\naxe on {path}:\n{axe.describe(found)}")
    assert not axe.blocking(found), f"axe on {path}:\n{axe.describe(axe.blocking(found))}"
