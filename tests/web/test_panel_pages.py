"""The panel's pages over real HTTP: the dashboard shows the public pages' own cached figures
(and a change made on the panel reaches them), the events table sorts and pages on the server,
the audit log filters, and the public address is validated."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from page_reader import read_page
from panel_support import (  # noqa: F401  (served, served_behind_tls: fixtures)
    csrf_in,
    join,
    seed_centres,
    served,
    served_behind_tls,
    signed,
    women_event,
)
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from reports.periods import named_period
from services import events, panel_access
from services.roles import actor_for
from storage.models import AuditEntry, PlanValue

CODES = [f"4.2.{n}" for n in range(1, 12)]
_FIELD = re.compile(r'data-field="([a-z_-]+)" data-value="([^"]*)"')


def dashboard_figures(page: str) -> tuple[dict[str, object], dict[str, dict[str, object]]]:
    """The target's figures and each indicator row's, as the data-values carry them."""
    head, *rows = page.split('<tr data-code="')
    target = {name: json.loads(html.unescape(value)) for name, value in _FIELD.findall(head)}
    cards = {row.split('"', 1)[0]: {name: json.loads(html.unescape(value)) for name, value in _FIELD.findall(row)}
             for row in rows}
    return target, cards


async def _crew(served) -> dict[str, int]:
    now = served.clock()
    async with served.services.sessions.begin() as session:
        await seed_centres(session)
        manager = await join(session, "manager", None, 9501, now)
        staff = await join(session, "staff", "konak-kadin", 9502, now)
        admin = await actor_for(session, manager)
        titles = ["Çay", "Atölye", "Bahar", "Dans"]
        made = [await events.create(session, admin, women_event("konak-kadin", now + timedelta(hours=1, minutes=n), title),
                                    publish=True, now=now) for n, title in enumerate(titles)]
        return {"manager": manager.id, "staff": staff.id, "event": made[0].id}


async def test_the_dashboard_shows_the_public_figures_and_a_web_change_reaches_them(served) -> None:
    ids = await _crew(served)
    manager = signed(await served.session_of(ids["manager"]))
    page = await served.client.get("/panel/", headers=manager)
    target, cards = dashboard_figures(page.text)
    public = read_page((await served.client.get("/")).text)
    assert list(cards) == CODES
    for code in CODES:
        assert cards[code] == {field: public.cards[code][field] for field in ("planned", "actual", "achievement")}, code
    assert target == {"target-achievement": public.fields["target-achievement"],
                      "target-achievement-covered": public.fields["target-achievement-covered"]}
    assert cards["4.2.7"]["actual"] == 0

    staff = signed(await served.session_of(ids["staff"]))
    assert 'data-code="4.2.7"' not in (await served.client.get("/panel/", headers=staff)).text
    csrf = csrf_in((await served.client.get(f"/panel/etkinlikler/{ids['event']}", headers=staff)).text)
    marked = await served.client.post(f"/panel/etkinlikler/{ids['event']}/katilim", data={"csrf": csrf, "headcount": "9"},
                                      headers=staff)
    assert marked.status_code == 303
    # The very next dashboard counts it: a panel page waits for figures that count a change it signalled.
    assert dashboard_figures((await served.client.get("/panel/", headers=manager)).text)[1]["4.2.7"]["actual"] == 1
    assert read_page((await served.client.get("/")).text).cards["4.2.7"]["actual"] == 1


async def test_the_events_table_sorts_and_pages_on_the_server(served) -> None:
    ids = await _crew(served)
    staff = signed(await served.session_of(ids["staff"]))

    def titles(page: str) -> list[str]:
        return re.findall(r'<a href="/panel/etkinlikler/\d+">([^<]+)</a>', page)

    by_time = await served.client.get("/panel/etkinlikler", headers=staff)
    assert titles(by_time.text) == ["Çay", "Atölye", "Bahar", "Dans"]
    by_title = await served.client.get("/panel/etkinlikler?sirala=title&yon=azalan", headers=staff)
    assert titles(by_title.text) == ["Dans", "Çay", "Bahar", "Atölye"]
    assert 'aria-sort="descending"' in by_title.text
    unknown = await served.client.get("/panel/etkinlikler?sirala=__class__", headers=staff)
    assert unknown.status_code == 200 and titles(unknown.text) == titles(by_time.text)


async def test_the_audit_log_filters_by_action_and_actor_and_marks_web_changes(served) -> None:
    ids = await _crew(served)
    staff = signed(await served.session_of(ids["staff"]))
    csrf = csrf_in((await served.client.get(f"/panel/etkinlikler/{ids['event']}", headers=staff)).text)
    await served.client.post(f"/panel/etkinlikler/{ids['event']}/katilim", data={"csrf": csrf, "headcount": "9"}, headers=staff)
    manager = signed(await served.session_of(ids["manager"]))

    everything = await served.client.get("/panel/denetim", headers=manager)
    # 2 invites and 2 joins, 4 creations and 4 publications, 2 panel sign-ins, 1 headcount
    assert 'id="total" data-value="15"' in everything.text
    web = await served.client.get("/panel/denetim?kisi=web%3A", headers=manager)
    assert 'id="total" data-value="3"' in web.text and "panel.sign_in" in web.text
    assert f"web:staff:{ids['staff']} (web)" in web.text and "attendance.headcount" in web.text
    published = await served.client.get("/panel/denetim?islem=event.publish", headers=manager)
    assert 'id="total" data-value="4"' in published.text and "attendance.headcount" not in published.text
    none = await served.client.get("/panel/denetim?islem=event.publish&nesne=0", headers=manager)
    assert 'id="total" data-value="0"' in none.text


@pytest.mark.parametrize("value", ["ftp://kentbot.example.org", "https://", "https://kentbot.example.org/?a=1", "kentbot"])
def test_a_wrong_public_address_stops_kentbot_with_one_line(value: str) -> None:
    with pytest.raises(ConfigError, match="^KENTBOT_PUBLIC_URL: "):
        load_settings(KENTBOT_PUBLIC_URL=value)


def test_the_public_address_loses_its_trailing_slash() -> None:
    assert load_settings(KENTBOT_PUBLIC_URL="https://kentbot.example.org/").public_url == "https://kentbot.example.org"


async def test_a_manager_sets_plan_values_with_the_plans_rules_and_the_dashboard_follows(served) -> None:
    ids = await _crew(served)
    manager = signed(await served.session_of(ids["manager"]))
    page = await served.client.get("/panel/plan?yil=2026", headers=manager)
    csrf = csrf_in(page.text)
    before = dashboard_figures((await served.client.get("/panel/", headers=manager)).text)[1]["4.2.7"]["planned"]
    async with served.services.sessions() as session:
        audited = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
        rows = (await session.execute(select(func.count()).select_from(PlanValue))).scalar_one()

    wrong = {
        ("4.2.7", "12,5", "-1"): {"planned": "tam sayı yazın", "baseline": "0 ya da daha büyük"},
        ("4.2.5", "0,75", "101"): {"planned": "0,75 değil 75", "baseline": "0 ile 100 arasında"},
        ("4.2.7", "", "x"): {"planned": "Hedeflenen değeri yazın", "baseline": "Bir sayı yazın"},
    }
    for (code, planned, baseline), messages in wrong.items():
        refused = await served.client.post("/panel/plan", headers=manager, data={
            "csrf": csrf, "code": code, "year": "2026", "planned": planned, "baseline": baseline})
        assert refused.status_code == 400
        for field, message in messages.items():
            shown = re.search(rf'id="{field}-{re.escape(code)}-error">([^<]+)<', refused.text)
            assert shown is not None and message in html.unescape(shown.group(1)), (code, field, refused.text)
        assert f'value="{html.escape(planned)}"' in refused.text  # what was typed stays in the form
    for year, code in (("1999", "4.2.7"), ("2026", "4.2.99")):
        refused = await served.client.post("/panel/plan", headers=manager, data={
            "csrf": csrf, "code": code, "year": year, "planned": "5", "baseline": ""})
        assert refused.status_code == 400 and 'id="form-error"' in refused.text
    async with served.services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one() == audited
        assert (await session.execute(select(func.count()).select_from(PlanValue))).scalar_one() == rows

    done = await served.client.post("/panel/plan", headers=manager, data={
        "csrf": csrf, "code": "4.2.7", "year": "2026", "planned": "480", "baseline": ""})
    assert done.status_code == 303 and done.headers["location"] == "/panel/plan?yil=2026"
    async with served.services.sessions() as session:
        entry = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))).scalar_one()
    assert (entry.action, entry.actor, entry.object_id) == ("plan.set", f"web:staff:{ids['manager']}", "4.2.7/2026")
    assert entry.after["planned"] == 480
    shown = await served.client.get("/panel/plan?yil=2026", headers=manager)
    assert re.search(r'<tr data-code="4.2.7">.*?data-field="planned" data-value="480"', shown.text, re.S)
    assert before != 480
    assert dashboard_figures((await served.client.get("/panel/", headers=manager)).text)[1]["4.2.7"]["planned"] == 480


async def test_managers_download_the_weekly_workbook_and_the_open_data(served, tmp_path) -> None:
    ids = await _crew(served)
    manager = signed(await served.session_of(ids["manager"]))
    page = await served.client.get("/panel/indirme", headers=manager)
    assert 'action="/panel/indirme/haftalik.xlsx"' in page.text and "geçen hafta" in page.text

    today = served.clock().astimezone(served.services.zone).date()
    first, last = named_period("this_month", today)
    workbook = await served.client.get("/panel/indirme/haftalik.xlsx?donem=this_month", headers=manager)
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"] == f'attachment; filename="kentbot-{first}-{last}.xlsx"'
    path = tmp_path / "weekly.xlsx"
    path.write_bytes(workbook.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Özet"
    summary = "\n".join(str(cell) for row in book["Özet"].iter_rows(values_only=True) for cell in row if cell)
    assert first.strftime("%d.%m.%Y") in summary or first.isoformat() in summary, summary[:500]
    assert (await served.client.get("/panel/indirme/haftalik.xlsx?donem=gecen", headers=manager)).status_code == 400

    opened = await served.client.get("/panel/indirme/acik-veri.csv?yil=2026", headers=manager)
    assert opened.headers["content-disposition"] == 'attachment; filename="hedef-4.2-2026.csv"'
    rows = list(csv.DictReader(io.StringIO(opened.text)))
    assert [row["code"] for row in rows] == CODES
    for row in rows:
        public = list(csv.DictReader(io.StringIO((await served.client.get(f"/gosterge/{row['code']}.csv?yil=2026")).text)))
        assert public == [row]


async def test_the_session_cookie_is_secure_when_the_public_address_is_https(served_behind_tls, served) -> None:
    for site, secure in ((served_behind_tls, True), (served, False)):
        async with site.services.sessions.begin() as session:
            await seed_centres(session)
            member = await join(session, "staff", "konak-kadin", 9601, site.clock())
            link = await panel_access.issue_link(session, await actor_for(session, member), site.clock())
        response = await site.client.post(f"/panel/giris/{link}")
        assert response.status_code == 303
        assert ("; secure" in response.headers["set-cookie"].lower()) is secure


async def test_a_form_too_large_is_refused_and_changes_nothing(served) -> None:
    ids = await _crew(served)
    manager = signed(await served.session_of(ids["manager"]))
    csrf = csrf_in((await served.client.get("/panel/plan", headers=manager)).text)
    refused = await served.client.post("/panel/plan", headers=manager, data={
        "csrf": csrf, "code": "4.2.7", "year": "2026", "planned": "5", "baseline": "", "padding": "x" * 20_000})
    assert refused.status_code == 413 and "çok büyük" in refused.text
    async with served.services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(PlanValue))).scalar_one() == 0
