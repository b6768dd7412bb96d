"""Every page of the staff panel, as a manager, an admin and a staff member reach it in Turkish,
English and Arabic, and the pages seen before signing in: axe-core (the npm package pinned in
devtools/browser) finds no serious or critical violation, lesser findings are printed; on a
360-pixel-wide phone no page scrolls sideways and no control sticks out of the screen; Arabic
runs right to left. The forms are checked with a refused value too, as their messages show.

An admin's view of a manager's page differs by one navigation link, which the admin's dashboard
and staff page carry: the admin is checked on those, the manager on every manager's page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, ViewportSize

from devtools.browser import axe
from tests.browser.panel_site import PanelSite
from tests.reports.reports_db_sample import YEAR
from web.panel.texts import panel_words

LANGUAGES = ("tr", "en", "ar")
PHONE: ViewportSize = {"width": 360, "height": 740}
WIDE: ViewportSize = {"width": 1280, "height": 900}
STAFF_PAGES = (
    "/panel/",
    "/panel/etkinlikler",
    "/panel/etkinlikler/takvim",
    "/panel/etkinlikler/{to_show}",
    "/panel/gosterge/4.2.7",
    "/panel/yorumlar",
    "/panel/basvurular",
    "/panel/kayitlar",
    "/panel/kayitlar/yardim",
    "/panel/kayitlar/{entry}",
    "headcount refused",
)
MANAGER_PAGES = (
    "/panel/",
    "/panel/gosterge/4.2.8",
    "/panel/gosterge/4.2.5",
    "/panel/gosterge/4.2.3",
    "/panel/anket",
    "/panel/anket/disability_centre",
    "/panel/anket/women_support",
    "/panel/yorumlar",
    "/panel/basvurular",
    "/panel/etkinlikler",
    "/panel/etkinlikler/takvim",
    "/panel/etkinlikler/{to_show}",
    "/panel/denetim",
    f"/panel/plan?yil={YEAR}",
    "/panel/indirme",
    "/panel/kayitlar",
    "/panel/kayitlar/yardim",
    "/panel/kayitlar/asama",
    "/panel/kayitlar/{entry}",
    "plan refused",
)
ADMIN_PAGES = ("/panel/", "/panel/personel", "invite refused", "invite made")
SIGNED_OUT_PAGES = (
    "/panel/giris/bilinmeyen-baglanti?dil={language}",
    "/panel/cikti?dil={language}",
    "/panel/?dil={language}",
)


@dataclass(frozen=True)
class Visit:
    """Who opens which page (or sends which form) in which language."""

    role: str | None
    language: str
    page: str

    @property
    def member(self) -> str:
        return f"{self.role}-{self.language}"

    def __str__(self) -> str:
        return f"{self.role or 'nobody'}-{self.language}-{self.page}"


VISITS = [
    *(Visit(None, language, page.format(language=language)) for language in LANGUAGES for page in SIGNED_OUT_PAGES),
    *(
        Visit(role, language, page)
        for role, pages in (("staff", STAFF_PAGES), ("manager", MANAGER_PAGES), ("admin", ADMIN_PAGES))
        for language in LANGUAGES
        for page in pages
    ),
]


def _send_form(
    field: str, value: str, button: str, role: str | None = None
) -> Callable[[Page, dict[str, str]], Response | None]:
    """Type `value` into `field` (and pick `role`) and press `button` (a key of the panel's words)."""

    def send(page: Page, words: dict[str, str]) -> Response | None:
        form = page.locator("form", has=page.locator(field)).first
        form.locator(field).fill(value)
        if role is not None:
            form.locator("#role").select_option(role)
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name=words[button]).click()
        return navigation.value

    return send


# A form state: the page it is on, and how it is sent.
FORMS: dict[str, tuple[str, Callable[[Page, dict[str, str]], Response | None]]] = {
    "headcount refused": ("/panel/etkinlikler/{to_show}", _send_form("#headcount-field", "0", "event_mark_held")),
    "plan refused": (f"/panel/plan?yil={YEAR}", _send_form('[id="planned-4.2.10"]', "0,75x", "plan_save")),
    "invite refused": ("/panel/personel", _send_form("#hours", "0", "staff_invite_button")),
    "invite made": ("/panel/personel", _send_form("#hours", "1", "staff_invite_button", role="manager")),
}
FORM_STATUS = {"headcount refused": 400, "plan refused": 400, "invite refused": 400, "invite made": 200}


class Visitors:
    """Each member's session cookie, signed in through the bot once; a page takes the cookie of
    whoever the test visits as."""

    def __init__(self, site: PanelSite, browser: Browser) -> None:
        self.site, self.browser = site, browser
        self.cookies: dict[str, list[Any]] = {}

    def open(self, page: Page, visit: Visit) -> Response | None:
        """Open the visit's page (after sending its form, for a form state) as its visitor."""
        context = page.context
        context.clear_cookies()
        if visit.role is not None:
            context.add_cookies(self._cookies(visit.member))
        path, send = FORMS.get(visit.page, (visit.page, None))
        response = page.goto(self.site.url(path.format(entry=self.site.entry_id, **self.site.event_ids)))
        if send is not None:
            assert response is not None and response.status == 200, f"{visit}: {response and response.status}"
            response = send(page, panel_words(visit.language))
        return response

    def _cookies(self, member: str) -> list[Any]:
        if member not in self.cookies:
            context = self.browser.new_context()
            self.site.sign_in(context.new_page(), member)
            self.cookies[member] = context.cookies()
            context.close()
        return self.cookies[member]


def expected_status(visit: Visit) -> int:
    if visit.page in FORM_STATUS:
        return FORM_STATUS[visit.page]
    return 401 if visit.role is None and visit.page.startswith("/panel/?") else 200


@pytest.fixture(scope="module")
def visitors(sqlite_panel: PanelSite, browser: Browser) -> Visitors:
    return Visitors(sqlite_panel, browser)


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    # The pages' Content-Security-Policy refuses injected scripts; the test alone sets it aside.
    context = browser.new_context(viewport=WIDE, bypass_csp=True)
    axe.preload(context)
    yield context.new_page()
    context.close()


def _opened(visitors: Visitors, page: Page, visit: Visit) -> None:
    page.set_viewport_size(WIDE)
    response = visitors.open(page, visit)
    assert response is not None and response.status == expected_status(visit), (
        f"{visit}: {response and response.status}"
    )
    assert page.locator("html").get_attribute("lang") == visit.language, visit
    assert page.locator("html").get_attribute("dir") == ("rtl" if visit.language == "ar" else "ltr"), visit


def _axe(page: Page, where: str) -> list[str]:
    """The serious and critical findings, described; lesser ones are printed."""
    found = axe.violations(page)
    if found:
        print(f"\naxe on {where}:\n{axe.describe(found)}")
    return [f"axe on {where}:\n{axe.describe(axe.blocking(found))}"] if axe.blocking(found) else []


# Every control the page shows, and those shown only on focus (the skip link), must lie within
# the screen's width; a control outside it is cut off, even when a scrolling box holds it.
MEASURE = """() => {
    const width = document.documentElement.clientWidth;
    const inside = element => { const box = element.getBoundingClientRect();
        return box.left >= -0.5 && box.right <= width + 0.5; };
    const shown = element => { const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden'; };
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    const cut = [];
    for (const control of document.querySelectorAll(controls)) {
        if (!shown(control) || inside(control)) continue;
        control.focus({preventScroll: true});
        if (!inside(control)) cut.push(control.outerHTML.slice(0, 120));
        control.blur();
    }
    return {width, scrolled: document.documentElement.scrollWidth, cut};
}"""


def _on_a_phone(page: Page, visit: Visit) -> list[str]:
    page.set_viewport_size(PHONE)
    measured = page.evaluate(MEASURE)
    if measured["width"] != PHONE["width"]:
        return [f"{visit} is laid out {measured['width']} px wide, not the phone's {PHONE['width']} px"]
    faults = (
        [f"{visit} is {measured['scrolled']} px wide on a 360 px screen"]
        if measured["scrolled"] > PHONE["width"]
        else []
    )
    return faults + [f"{visit} cuts off: {control}" for control in measured["cut"]]


@pytest.mark.parametrize("visit", VISITS, ids=str)
def test_axe_finds_nothing_serious_and_nothing_is_cut_off_on_a_phone(
    visitors: Visitors, page: Page, visit: Visit
) -> None:
    """Wide, then on a 360-pixel phone (the same page, narrowed: the stylesheet lays it out again)."""
    _opened(visitors, page, visit)
    faults = _axe(page, f"{visit}, wide")
    faults += _on_a_phone(page, visit)
    faults += _axe(page, f"{visit}, on a phone")
    assert not faults, "\n".join(faults)


def test_the_arabic_panel_runs_right_to_left(visitors: Visitors, page: Page) -> None:
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        _opened(visitors, page, Visit("manager", language, "/panel/"))
        assert page.evaluate("() => getComputedStyle(document.documentElement).direction") == direction
        row = page.locator("#indicators tbody tr").first
        code, name = row.locator("th").bounding_box(), row.locator("td").first.bounding_box()
        assert code is not None and name is not None
        assert (code["x"] > name["x"]) == (direction == "rtl"), f"{language}: the code column is on the wrong side"
