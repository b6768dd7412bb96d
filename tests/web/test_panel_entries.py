"""Aid and milestone entries and their corrections on the panel, over real HTTP beside
`kentbot indicators`: what a manager logs moves the indicator's figure by exactly that much (in
the dashboard and on the command line), a correction replaces the value and keeps both rows in
the history and the audit log, a wrong field is told beside it and changes nothing, another
centre's staff and a form without its token are refused.

The clock stands at 01:30 in İstanbul while the UTC date is still the day before, so the day
the forms take and refuse is the municipality's, not UTC's."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

import pytest
from panel_support import csrf_in, join, seed_centres, served, signed  # noqa: F401  (served: a fixture)
from site_support import kentbot_json
from sqlalchemy import func, select

from services import entries
from services.roles import actor_for
from storage.models import AuditEntry, IndicatorEntry, StaffMember
from tests.reports.cli_support import seed_for_cli
from tests.waiting import eventually

NOW = datetime(2026, 11, 25, 22, 30, tzinfo=timezone.utc)  # 26.11.2026 01:30 in İstanbul
TODAY, TOMORROW = "2026-11-26", "2026-11-27"
YEAR = 2026
_DASHBOARD_ACTUAL = re.compile(r'<tr data-code="([0-9.]+)".*?data-field="actual" data-value="([^"]*)"', re.S)
_FIELD_ERROR = re.compile(r'<span class="error" id="([a-z_]+)-error">([^<]*)')


@pytest.fixture
async def crew(served, db, monkeypatch, tmp_path, capsys):  # noqa: F811
    """Centres, a manager, staff of the Konak women's centre and of the Buca disability centre,
    one student already given aid at Konak this year; `kentbot` pointed at the same database."""
    served.clock.set(NOW)
    members = {}

    async def seed(session) -> None:
        await seed_centres(session)
        members["manager"] = await join(session, "manager", None, 9901, NOW)
        members["konak"] = await join(session, "staff", "konak-kadin", 9902, NOW)
        members["buca"] = await join(session, "staff", "buca-engelli", 9903, NOW)
        konak = await actor_for(session, members["konak"])
        await entries.log_aid(
            session,
            konak,
            centre_id="konak-kadin",
            occurred_on=date(2026, 11, 2),
            school_ids=["1111"],
            note=None,
            secret=served.services.secret,
            now=NOW,
            today=date(2026, 11, 26),
        )

    await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)
    db.who = {name: signed(await served.session_of(member.id)) for name, member in members.items()}
    db.ids = {name: member.id for name, member in members.items()}
    return db


async def cli_actual(crew, code: str, year: int = YEAR) -> float | None:
    document = await kentbot_json(crew.capsys, "indicators", "--year", str(year), "--json")
    return next(entry["actual"] for entry in document["indicators"] if entry["code"] == code)


async def dashboard_actual(served, crew, code: str) -> float | None:  # noqa: F811
    page = await served.client.get("/panel/", headers=crew.who["manager"])
    found = dict(_DASHBOARD_ACTUAL.findall(page.text))
    return None if found[code] == "null" else float(found[code])


async def counts(served) -> tuple[int, int]:  # noqa: F811
    """Entries, and audit entries of changes (signing in is audited too, but changes nothing)."""
    async with served.services.sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(IndicatorEntry))).scalar_one()
        audited = (
            await session.execute(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.not_in(("panel.sign_in", "panel.sign_out")))
            )
        ).scalar_one()
    return rows, audited


async def csrf_of(served, headers: dict[str, str], path: str = "/panel/kayitlar") -> str:  # noqa: F811
    return csrf_in((await served.client.get(path, headers=headers)).text)


def field_errors(page: str) -> dict[str, str]:
    return {field: html.unescape(text).strip() for field, text in _FIELD_ERROR.findall(page)}


async def test_a_manager_logs_aid_and_the_figure_moves_by_exactly_that_many(served, crew) -> None:
    manager = crew.who["manager"]
    before = await cli_actual(crew, "4.2.3")
    assert before == 1 and await dashboard_actual(served, crew, "4.2.3") == 1  # the dashboard has cached it
    form = await served.client.get("/panel/kayitlar/yardim", headers=manager)
    assert form.status_code == 200
    assert f'id="day" name="day" type="date" max="{TODAY}" value="{TODAY}"' in form.text  # İstanbul's day, not UTC's

    logged = await served.client.post(
        "/panel/kayitlar/yardim",
        headers=manager,
        data={
            "csrf": csrf_in(form.text),
            "centre": "konak-kadin",
            "day": TODAY,
            "school_ids": "2222\n3333, 1111\nab44\n2222",
            "note": "Kasım dağıtımı",
        },
    )
    assert logged.status_code == 303 and logged.headers["location"] == "/panel/kayitlar/yardim?eklenen=3&sayilmis=1"
    done = await served.client.get(logged.headers["location"], headers=manager)
    assert "3 öğrenci kaydedildi. Bu yıl zaten sayılmış olan: 1." in done.text

    assert await cli_actual(crew, "4.2.3") == before + 3

    async def shown() -> bool:
        return await dashboard_actual(served, crew, "4.2.3") == before + 3

    await eventually(shown, "the dashboard to count the three students logged on the web")
    listed = await served.client.get(f"/panel/kayitlar?gosterge=4.2.3&yil={YEAR}", headers=manager)
    assert 'id="total" data-value="4" data-count="4"' in listed.text
    async with served.services.sessions() as session:
        added = (
            (await session.execute(select(IndicatorEntry).where(IndicatorEntry.entered_by.startswith("web:"))))
            .scalars()
            .all()
        )
        actions = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.actor).where(
                    AuditEntry.object_type == "indicator_entry", AuditEntry.actor.startswith("web:")
                )
            )
        ).all()
    label = f"web:staff:{crew.ids['manager']}"
    assert {(e.indicator_code, e.centre_id, e.occurred_on, e.quantity, e.note, e.entered_by) for e in added} == {
        ("4.2.3", "konak-kadin", date(2026, 11, 26), 1, "Kasım dağıtımı", label)
    } and len(added) == 3
    assert all(e.beneficiary_key and e.beneficiary_key not in ("2222", "3333", "AB44") for e in added)
    assert sorted(actions) == [("entry.add", label)] * 3


async def test_a_correction_replaces_the_value_and_both_rows_stay_in_the_history_and_the_audit_log(
    served, crew
) -> None:
    manager = crew.who["manager"]
    before = await cli_actual(crew, "4.2.1")
    page = await served.client.get("/panel/kayitlar/asama", headers=manager)
    made = await served.client.post(
        "/panel/kayitlar/asama",
        headers=manager,
        data={
            "csrf": csrf_in(page.text),
            "code": "4.2.1",
            "centre": "torbali-genclik",
            "day": "26.11.2026",
            "note": "Kabul tutanağı 2026/4",
        },
    )
    assert made.status_code == 303
    original = int(made.headers["location"].rsplit("/", 1)[1])
    assert await cli_actual(crew, "4.2.1") == (before or 0) + 1
    logged = await counts(served)
    twice = await served.client.post(
        "/panel/kayitlar/asama",
        headers=manager,
        data={"csrf": csrf_in(page.text), "code": "4.2.1", "centre": "torbali-genclik", "day": TODAY, "note": "x"},
    )
    assert twice.status_code == 400 and f'<a href="/panel/kayitlar/{original}">Kayıt {original}</a>' in twice.text
    assert field_errors(twice.text) == {
        "centre": "Bu merkez için tamamlanma kaydı zaten var; yeni kayıt eklenmedi. O kayıtta bir yanlışlık varsa düzeltin:"
    }
    assert await counts(served) == logged

    shown = await served.client.get(f"/panel/kayitlar/{original}", headers=manager)
    fixed = await served.client.post(
        f"/panel/kayitlar/{original}/duzelt",
        headers=manager,
        data={"csrf": csrf_in(shown.text), "quantity": "0", "day": "", "reason": "Geçici kabul iptal edildi"},
    )
    assert fixed.status_code == 303
    correction = int(fixed.headers["location"].rsplit("/", 1)[1])
    assert correction != original
    assert await cli_actual(crew, "4.2.1") == (before or 0)

    history = await served.client.get(f"/panel/kayitlar/{correction}", headers=manager)
    rows = re.findall(
        r'<tr data-entry="(\d+)" data-corrects="(\d*)" data-in-force="(true|false)">.*?'
        r'data-field="quantity" data-value="([^"]*)"',
        history.text,
        re.S,
    )
    assert rows == [(str(original), "", "false", "1"), (str(correction), str(original), "true", "0")]
    assert "Geçici kabul iptal edildi" in history.text and "Kabul tutanağı 2026/4" in history.text
    old_page = await served.client.get(f"/panel/kayitlar/{original}", headers=manager)
    assert f'<a href="/panel/kayitlar/{correction}">Kayıt {correction}</a>' in old_page.text
    assert f"/panel/kayitlar/{original}/duzelt" not in old_page.text  # only the entry in force is corrected

    label = f"web:staff:{crew.ids['manager']}"
    for entry_id, action in ((original, "entry.add"), (correction, "entry.correct")):
        link = f"/panel/denetim?islem={action}&amp;nesne={entry_id}"
        assert link in history.text
        log = await served.client.get(html.unescape(link), headers=manager)
        assert 'id="total" data-value="1"' in log.text and f"{label} (web)" in log.text
    async with served.services.sessions() as session:
        chain = (
            (
                await session.execute(
                    select(IndicatorEntry).where(IndicatorEntry.indicator_code == "4.2.1").order_by(IndicatorEntry.id)
                )
            )
            .scalars()
            .all()
        )
        logged = (await session.execute(select(AuditEntry).where(AuditEntry.action == "entry.correct"))).scalar_one()
    assert [(e.id, e.quantity, e.corrects_entry_id, e.reason) for e in chain] == [
        (original, 1, None, None),
        (correction, 0, original, "Geçici kabul iptal edildi"),
    ]
    assert logged.before["quantity"] == 1 and logged.after["quantity"] == 0 and logged.actor == label

    rows_then = await counts(served)
    again = await served.client.post(
        f"/panel/kayitlar/{original}/duzelt",
        headers=manager,
        data={"csrf": csrf_in(shown.text), "quantity": "1", "day": "", "reason": "ikinci kez"},
    )
    assert again.status_code == 400 and f"En son düzeltmeyi düzeltin: kayıt {correction}." in again.text
    assert await counts(served) == rows_then


async def test_the_list_shows_entries_sorted_and_paged_on_the_server_by_indicator_and_year(served, crew) -> None:
    async with served.services.sessions.begin() as session:
        konak = await actor_for(session, await session.get_one(StaffMember, crew.ids["konak"]))
        await entries.log_aid(
            session,
            konak,
            centre_id="konak-kadin",
            occurred_on=date(2026, 10, 1),
            school_ids=[f"S{n}" for n in range(30)],
            note=None,
            secret=served.services.secret,
            now=NOW,
            today=date(2026, 11, 26),
        )
        await entries.log_aid(
            session,
            konak,
            centre_id="konak-kadin",
            occurred_on=date(2025, 10, 1),
            school_ids=["OLD1"],
            note=None,
            secret=served.services.secret,
            now=NOW,
            today=date(2026, 11, 26),
        )
    manager = crew.who["manager"]

    def ids(page: str) -> list[int]:
        return [int(found) for found in re.findall(r'<tr data-entry="(\d+)"', page)]

    first = await served.client.get("/panel/kayitlar?gosterge=4.2.3&yil=2026&sirala=id&yon=artan", headers=manager)
    second = await served.client.get(
        "/panel/kayitlar?gosterge=4.2.3&yil=2026&sirala=id&yon=artan&sayfa=2", headers=manager
    )
    assert ids(first.text) == list(range(1, 26)) and ids(second.text) == list(range(26, 32))
    assert (
        'rel="next" href="/panel/kayitlar?gosterge=4.2.3&amp;yil=2026&amp;sirala=id&amp;yon=artan&amp;sayfa=2"'
        in first.text
    )
    newest = await served.client.get("/panel/kayitlar?yil=2026", headers=manager)  # the latest day first
    assert ids(newest.text)[0] == 1
    last_year = await served.client.get("/panel/kayitlar?gosterge=4.2.3&yil=2025", headers=manager)
    assert ids(last_year.text) == [32]
    assert (await served.client.get("/panel/kayitlar?gosterge=4.2.7", headers=manager)).status_code == 400
    assert (await served.client.get("/panel/kayitlar?yil=1999", headers=manager)).status_code == 400


BAD: list[tuple[str, dict[str, str], str, str]] = [
    # (form, fields other than the form's good ones, the field told, its message)
    ("correct", {"quantity": "inf"}, "quantity", "Miktar anlaşılamadı. 1 ya da 0 yazın."),
    ("correct", {"quantity": "nan"}, "quantity", "Miktar anlaşılamadı. 1 ya da 0 yazın."),
    ("correct", {"quantity": "1e999"}, "quantity", "Miktar anlaşılamadı. 1 ya da 0 yazın."),
    (
        "correct",
        {"quantity": "0,5"},
        "quantity",
        "Her kayıt bir öğrenciyi ya da bir merkezi tam olarak sayar: kesir değil, 1 ya da 0 yazın.",
    ),
    (
        "correct",
        {"quantity": "0.5"},
        "quantity",
        "Her kayıt bir öğrenciyi ya da bir merkezi tam olarak sayar: kesir değil, 1 ya da 0 yazın.",
    ),
    (
        "correct",
        {"quantity": "2"},
        "quantity",
        "Miktar 1 (kayıt sayılmaya devam eder) ya da 0 (kayıt sayımdan çıkar) olmalı.",
    ),
    ("correct", {"quantity": ""}, "quantity", "1 ya da 0 yazın."),
    ("correct", {"day": TOMORROW}, "day", "Gelecek bir tarih için kayıt yapılamaz (bugün 26.11.2026)."),
    (
        "correct",
        {"day": "2025-12-31"},
        "day",
        "Yardım kaydı kendi yılında kalır: kaydı sayımdan çıkarın (miktar 0) ve öğrenciyi doğru tarihle yeniden kaydedin.",
    ),
    ("correct", {"reason": "  "}, "reason", "Düzeltme için bir gerekçe yazın."),
    ("correct", {"reason": "x" * 501}, "reason", "Bu metin çok uzun. En fazla 500 karakter yazın."),
    ("aid", {"school_ids": ""}, "school_ids", "En az bir okul numarası yazın."),
    (
        "aid",
        {"school_ids": "2222\n0.5"},
        "school_ids",
        "Şu satırlar okul numarası değil: 0.5. Okul numarası yalnızca harf ve rakamdan oluşur (en fazla 20).",
    ),
    (
        "aid",
        {"school_ids": "\n".join(f"N{n}" for n in range(501))},
        "school_ids",
        "Bir seferde 1 ile 500 arasında numara yazın.",
    ),
    ("aid", {"day": TOMORROW}, "day", "Gelecek bir tarih için kayıt yapılamaz (bugün 26.11.2026)."),
    ("aid", {"day": ""}, "day", "Tarihi yazın."),
    ("aid", {"day": "31.02.2026"}, "day", "Tarih anlaşılamadı. 28.11.2026 ya da 2026-11-28 biçiminde yazın."),
    ("aid", {"day": "1999-12-31"}, "day", "2000 ile 2100 arasında bir tarih yazın."),
    ("aid", {"centre": ""}, "centre", "Bir merkez seçin."),
    ("aid", {"centre": "nowhere"}, "centre", "Bu merkez için kayıt yapılamaz. Listeden bir merkez seçin."),
    ("milestone", {"note": " "}, "note", "Bir kanıt notu yazın."),
    ("milestone", {"day": TOMORROW}, "day", "Gelecek bir tarih için kayıt yapılamaz (bugün 26.11.2026)."),
    ("milestone", {"code": ""}, "code", "Göstergeyi seçin."),
    ("milestone", {"code": "4.2.3"}, "code", "Bu gösterge için elle kayıt yapılamaz."),
    ("milestone", {"centre": "konak-kadin"}, "centre", "Bu göstergenin altında listelenen merkezlerden birini seçin."),
]


async def test_each_wrong_field_gets_its_message_and_nothing_changes(served, crew) -> None:
    manager = crew.who["manager"]
    async with served.services.sessions() as session:
        aid = (await session.execute(select(IndicatorEntry.id))).scalar_one()
    good = {
        "correct": (f"/panel/kayitlar/{aid}/duzelt", {"quantity": "1", "day": "2026-11-03", "reason": "tarih"}),
        "aid": ("/panel/kayitlar/yardim", {"centre": "konak-kadin", "day": TODAY, "school_ids": "2222", "note": ""}),
        "milestone": (
            "/panel/kayitlar/asama",
            {"code": "4.2.1", "centre": "torbali-genclik", "day": TODAY, "note": "Kabul tutanağı"},
        ),
    }
    csrf = await csrf_of(served, manager)
    figure, unchanged = await cli_actual(crew, "4.2.3"), await counts(served)
    told = {}
    for form, wrong, _, _ in BAD:
        path, fields = good[form]
        response = await served.client.post(path, headers=manager, data={"csrf": csrf, **fields, **wrong})
        told[(form, str(wrong)[:60])] = (response.status_code, field_errors(response.text))
        assert 'id="not-saved"' in response.text and 'aria-invalid="true"' in response.text
    assert told == {(form, str(wrong)[:60]): (400, {field: message}) for form, wrong, field, message in BAD}
    assert await counts(served) == unchanged and await cli_actual(crew, "4.2.3") == figure

    typed = {"centre": "", "day": TOMORROW, "school_ids": "12-34", "note": "n" * 501}
    several = await served.client.post("/panel/kayitlar/yardim", headers=manager, data={"csrf": csrf, **typed})
    assert several.status_code == 400 and set(field_errors(several.text)) == {"centre", "day", "school_ids", "note"}
    assert ">12-34</textarea>" in several.text  # what was typed stays
    assert await counts(served) == unchanged


async def test_staff_log_aid_for_their_own_centre_only_and_cannot_correct(served, crew) -> None:
    konak, buca = crew.who["konak"], crew.who["buca"]
    async with served.services.sessions() as session:
        aid = (await session.execute(select(IndicatorEntry.id))).scalar_one()
    unchanged = await counts(served)
    csrf = await csrf_of(served, buca, "/panel/kayitlar/yardim")
    elsewhere = await served.client.post(
        "/panel/kayitlar/yardim",
        headers=buca,
        data={"csrf": csrf, "centre": "konak-kadin", "day": TODAY, "school_ids": "7777", "note": ""},
    )
    assert elsewhere.status_code == 403
    assert (await served.client.get(f"/panel/kayitlar/{aid}", headers=buca)).status_code == 403
    assert 'data-entry="' not in (await served.client.get("/panel/kayitlar", headers=buca)).text
    konak_form = await served.client.get("/panel/kayitlar/yardim", headers=konak)
    assert '<option value="konak-kadin" selected>' in konak_form.text and "buca-engelli" not in konak_form.text
    assert (await served.client.get("/panel/kayitlar/asama", headers=konak)).status_code == 403
    own = await served.client.get(f"/panel/kayitlar/{aid}", headers=konak)
    assert own.status_code == 200 and f"/panel/kayitlar/{aid}/duzelt" not in own.text
    refused = await served.client.post(
        f"/panel/kayitlar/{aid}/duzelt",
        headers=konak,
        data={"csrf": csrf_in(own.text), "quantity": "0", "day": "", "reason": "yanlış"},
    )
    assert refused.status_code == 403
    assert await counts(served) == unchanged

    logged = await served.client.post(
        "/panel/kayitlar/yardim",
        headers=konak,
        data={
            "csrf": csrf_in(konak_form.text),
            "centre": "konak-kadin",
            "day": TODAY,
            "school_ids": "7777",
            "note": "",
        },
    )
    assert logged.status_code == 303
    assert await counts(served) == (unchanged[0] + 1, unchanged[1] + 1)


async def test_a_form_without_its_token_is_refused_and_changes_nothing(served, crew) -> None:
    manager = crew.who["manager"]
    async with served.services.sessions() as session:
        aid = (await session.execute(select(IndicatorEntry.id))).scalar_one()
    other = await csrf_of(served, crew.who["konak"])  # another session's token
    unchanged = await counts(served)
    posts = {
        "/panel/kayitlar/yardim": {"centre": "konak-kadin", "day": TODAY, "school_ids": "8888", "note": ""},
        "/panel/kayitlar/asama": {"code": "4.2.1", "centre": "torbali-genclik", "day": TODAY, "note": "Kabul"},
        f"/panel/kayitlar/{aid}/duzelt": {"quantity": "0", "day": "", "reason": "yanlış"},
    }
    for path, fields in posts.items():
        for token in ({}, {"csrf": other}):
            response = await served.client.post(path, headers=manager, data={**fields, **token})
            assert response.status_code == 403 and "Form doğrulanamadı" in response.text, (path, token)
    assert await counts(served) == unchanged
