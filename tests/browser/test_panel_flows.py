"""The staff panel used as people use it, in Chromium: a member sends /panel to the bot, opens
the link it answers with and presses *Giriş yap*. Then a manager types a plan value and sees the
dashboard follow; staff tick a registered person present on their own centre's event, which
marks it held, and are refused another centre's; a member revoked while their page is open is
out on the next click; and a form sent without its token is refused and changes nothing. What
the pages show is checked against `kentbot indicators --json` and the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reports.aggregate import current_plan
from storage.models import AuditEntry, Event
from storage.repositories import events as event_store
from tests.browser.panel_site import REGISTERED, PanelSite
from tests.reports.reports_db_sample import ACTUALS, PLAN, YEAR
from web.panel.texts import panel_words

WORDS = panel_words("tr")
# Healthy Ageing Centre courses: actual 1 of a planned 2 in the sample year; no other test touches it.
PLANNED_CODE = "4.2.10"
# The person staff tick present.
NAME = REGISTERED[8801]
# The indicator a form without its token tries to change.
GUARDED_CODE = "4.2.4"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile per test: each member signs in on their own. The page's own
    Content-Security-Policy forbids every script's fetch(); only the test that plays a script
    in the page needs it set aside, and it does no harm to the others."""
    profile = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield profile.new_page()
    profile.close()


def row_figures(page: Page, code: str) -> dict[str, Any]:
    """The dashboard row's figures, from their `data-value`s."""
    cells = page.eval_on_selector_all(
        f'#indicators tr[data-code="{code}"] [data-field]',
        "cells => cells.map(cell => [cell.dataset.field, cell.dataset.value])",
    )
    return {name: json.loads(value) for name, value in cells}


def target_figure(page: Page) -> Any:
    return json.loads(page.locator('[data-field="target-achievement"]').get_attribute("data-value") or "")


def cli_row(figures: dict[str, Any], code: str) -> dict[str, Any]:
    return {
        name: next(i for i in figures["indicators"] if i["code"] == code)[name]
        for name in ("planned", "actual", "achievement")
    }


def audited(site: PanelSite, action: str) -> int:
    """How many audit entries name `action`."""

    async def count(session: AsyncSession) -> int:
        found = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int((await session.execute(found)).scalar_one())

    return site.database(count)


def stored_event(site: PanelSite, event_id: int) -> tuple[str, int | None, int]:
    """The event's state, headcount and attendance rows, as stored."""

    async def read(session: AsyncSession) -> tuple[str, int | None, int]:
        event = await session.get_one(Event, event_id)
        return event.status, event.headcount, await event_store.attendance_count(session, event_id)

    return site.database(read)


def stored_planned(site: PanelSite, code: str) -> float | None:
    async def read(session: AsyncSession) -> float | None:
        return (await current_plan(session, YEAR)).planned(code, YEAR)

    return site.database(read)


def test_a_manager_types_a_plan_value_and_the_dashboard_shows_the_new_figure(panel_site: PanelSite, page: Page) -> None:
    panel_site.sign_in(page, "planner")
    before = row_figures(page, PLANNED_CODE)
    planned_before, _ = PLAN[PLANNED_CODE]
    actual = ACTUALS[PLANNED_CODE]
    assert actual is not None
    assert before == {"planned": planned_before, "actual": actual, "achievement": 100 * actual / planned_before}

    page.get_by_role("link", name=WORDS["nav_plan"], exact=True).click()
    row = page.locator(f'#plan tr[data-code="{PLANNED_CODE}"]')
    planned = planned_before + 2
    row.get_by_label(WORDS["col_planned"], exact=True).fill(str(planned))
    row.get_by_role("button", name=WORDS["plan_save"]).click()
    page.wait_for_url(panel_site.url(f"/panel/plan?yil={YEAR}"))
    assert json.loads(row.locator('[data-field="planned"]').get_attribute("data-value") or "") == planned

    page.get_by_role("link", name=WORDS["nav_dashboard"], exact=True).click()
    after = row_figures(page, PLANNED_CODE)
    figures = panel_site.indicators()
    assert after == cli_row(figures, PLANNED_CODE)
    assert after == {"planned": planned, "actual": actual, "achievement": pytest.approx(100 * actual / planned)}
    assert stored_planned(panel_site, PLANNED_CODE) == planned
    assert target_figure(page) == figures["achievement"]


def test_staff_tick_a_person_present_on_their_own_centres_event_and_are_refused_another_centres(
    panel_site: PanelSite, page: Page
) -> None:
    event_id, elsewhere = panel_site.event_ids["to_hold"], panel_site.event_ids["elsewhere"]
    panel_site.sign_in(page, "attendant")
    page.get_by_role("link", name=WORDS["nav_events"], exact=True).click()
    assert page.locator(f'#events tr[data-event="{elsewhere}"]').count() == 0
    page.locator(f'#events tr[data-event="{event_id}"] a').click()
    assert page.locator("#status").get_attribute("data-value") == "published"

    person = page.locator("#registered tbody tr", has_text=NAME)
    assert person.get_attribute("data-present") == "false"
    person.get_by_role("button", name=WORDS["roll_call_tick"]).click()
    page.wait_for_selector(f'#registered tr[data-person="{person.get_attribute("data-person")}"][data-present="true"]')
    assert page.locator("#status").get_attribute("data-value") == "held"
    assert page.locator("#status").inner_text() == WORDS["status_held"]
    assert page.locator("#present").inner_text() == "1"
    assert stored_event(panel_site, event_id) == ("held", None, 1)

    response = page.goto(panel_site.url(f"/panel/etkinlikler/{elsewhere}"))
    assert response is not None and response.status == 403
    assert page.locator("#message").inner_text() == WORDS["error_forbidden"]
    assert stored_event(panel_site, elsewhere) == ("published", None, 0)


def test_a_member_revoked_while_their_page_is_open_is_signed_out_on_the_next_click(
    panel_site: PanelSite, page: Page
) -> None:
    panel_site.sign_in(page, "leaver")
    page.get_by_role("link", name=WORDS["nav_events"], exact=True).click()
    link = page.locator(f'#events tr[data-event="{panel_site.event_ids["to_show"]}"] a')
    assert link.is_visible()

    panel_site.revoke("leaver")
    with page.expect_response(lambda response: "/panel/etkinlikler/" in response.url) as answer:
        link.click()
    assert answer.value.status == 401
    assert page.locator("#message").inner_text() == WORDS["error_signed_out"]
    assert page.get_by_role("link", name=WORDS["nav_events"], exact=True).count() == 0


POST_WITHOUT_TOKEN = """([code, year]) => fetch('/panel/plan', {method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({code, year, planned: '99'})}).then(response => response.status)"""


def test_a_form_sent_without_its_token_is_refused_and_changes_nothing(panel_site: PanelSite, page: Page) -> None:
    panel_site.sign_in(page, "guarded")
    page.get_by_role("link", name=WORDS["nav_plan"], exact=True).click()
    row = page.locator(f'#plan tr[data-code="{GUARDED_CODE}"]')
    planned = json.loads(row.locator('[data-field="planned"]').get_attribute("data-value") or "")
    saved = audited(panel_site, "plan.set")

    row.locator('input[name="csrf"]').evaluate("field => field.remove()")
    row.get_by_label(WORDS["col_planned"], exact=True).fill(str(planned + 5))
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        row.get_by_role("button", name=WORDS["plan_save"]).click()
    assert answer.value.status == 403
    assert page.locator("#message").inner_text() == WORDS["error_csrf"]

    page.goto(panel_site.url("/panel/plan"))
    assert page.evaluate(POST_WITHOUT_TOKEN, [GUARDED_CODE, str(YEAR)]) == 403

    page.reload()
    assert json.loads(row.locator('[data-field="planned"]').get_attribute("data-value") or "") == planned
    assert stored_planned(panel_site, GUARDED_CODE) == planned
    assert audited(panel_site, "plan.set") == saved
