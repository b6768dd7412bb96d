"""The indicator drill-down page over real HTTP, on the year of records whose figures were
worked out by hand (tests/reports/reports_db_sample.py): a manager sees, for each of the eleven
indicators, the rows `kentbot indicator CODE` prints, in its order, and their sum beside the
actual; staff see their own centres' rows only, and only of indicators whose rows have a centre."""

from __future__ import annotations

import asyncio
import re

import pytest
from panel_support import join, served, signed  # noqa: F401  (served: a fixture)

from bot.cli import main
from tests.reports.cli_support import seed_for_cli
from tests.reports.reports_db_sample import ACTUALS, YEAR, seed

CODES = [f"4.2.{n}" for n in range(1, 12)]
_ROW = re.compile(r'<tr data-id="([^"]+)">')
_TOTAL = re.compile(r'id="total" data-value="([^"]*)" data-answers="([^"]*)"')


async def _cli(db, code: str) -> tuple[list[str], str]:
    """The row ids and the total line `kentbot indicator CODE` prints."""
    db.capsys.readouterr()
    assert await asyncio.to_thread(main, ["indicator", code, "--year", str(YEAR)]) == 0
    lines = db.capsys.readouterr().out.splitlines()
    start = next(n for n, line in enumerate(lines) if re.match(r"^\d+ kayıt", line))
    rows = [line.strip().split(" | ")[0] for line in lines[start + 1:] if line.startswith("  ")]
    return rows, lines[-1]


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


@pytest.fixture
async def seeded(db, served, monkeypatch, tmp_path, capsys):  # noqa: F811
    await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)
    async with served.services.sessions.begin() as session:
        members = {
            "manager": await join(session, "manager", None, 9701, served.clock()),
            "konak": await join(session, "staff", "konak-kadin", 9702, served.clock()),
            "bornova": await join(session, "staff", "bornova-engelli", 9703, served.clock()),
            "karsiyaka": await join(session, "staff", "karsiyaka-alzheimer", 9704, served.clock()),
        }
    return db, {name: signed(await served.session_of(m.id)) for name, m in members.items()}


async def test_a_manager_sees_the_rows_the_command_line_prints_and_their_sum_is_the_actual(served, seeded) -> None:
    db, who = seeded
    for code in CODES:
        page = await served.client.get(f"/panel/gosterge/{code}?yil={YEAR}", headers=who["manager"])
        assert page.status_code == 200, code
        rows, total_line = await _cli(db, code)
        assert _ROW.findall(page.text) == rows, code
        actual = re.search(r'data-field="actual" data-value="([^"]*)"', page.text)
        assert actual is not None
        expected = ACTUALS[code]
        assert (None if actual.group(1) == "null" else float(actual.group(1))) == pytest.approx(expected), code
        if not rows:
            assert 'id="no-rows"' in page.text and "kayıt yok" in total_line and expected is None
            continue
        found = _TOTAL.search(page.text)
        assert found is not None, code
        summed = total_line.split("Toplam katkı: ", 1)[1].split(" = ")[0]
        if "/" in summed:  # a survey: satisfied/answers, and the share is the actual
            satisfied, answers = summed.split("/")
            assert (float(found.group(1)), int(found.group(2))) == (_number(satisfied), int(answers)), code
            assert 100 * float(found.group(1)) / int(found.group(2)) == pytest.approx(expected), code
        else:
            assert float(found.group(1)) == _number(summed) == pytest.approx(expected), code
    aid = await served.client.get(f"/panel/gosterge/4.2.3?yil={YEAR}", headers=who["manager"])
    assert "düzeltilen giriş" in aid.text and "Ayşe Yılmaz (17.11.2026 16:45)" in aid.text
    assert "respondent-secret" not in (await served.client.get("/panel/gosterge/4.2.9", headers=who["manager"])).text
    dashboard = await served.client.get("/panel/", headers=who["manager"])
    assert '<a href="/panel/gosterge/4.2.8">4.2.8</a>' in dashboard.text
    assert (await served.client.get("/panel/gosterge/4.2.99", headers=who["manager"])).status_code == 404


async def test_staff_see_only_their_centres_rows_of_indicators_whose_rows_have_a_centre(served, seeded) -> None:
    db, who = seeded

    async def ids(member: str, code: str) -> list[str]:
        page = await served.client.get(f"/panel/gosterge/{code}?yil={YEAR}", headers=who[member])
        assert page.status_code == 200, (member, code)
        assert 'data-field="actual"' not in page.text and 'id="own-centres"' in page.text
        return _ROW.findall(page.text)

    women, _ = await _cli(db, "4.2.7")
    assert await ids("konak", "4.2.7") == women and len(women) == 1
    assert await ids("konak", "4.2.4") == (await _cli(db, "4.2.4"))[0]  # both gender trainings were at Konak
    assert await ids("konak", "4.2.8") == [] and await ids("konak", "4.2.11") == []
    served_people, _ = await _cli(db, "4.2.8")
    assert await ids("bornova", "4.2.8") == served_people and len(served_people) == 4
    approved, _ = await _cli(db, "4.2.11")
    assert await ids("karsiyaka", "4.2.11") == approved and len(approved) == 2
    page = await served.client.get(f"/panel/gosterge/4.2.11?yil={YEAR}", headers=who["karsiyaka"])
    assert _TOTAL.search(page.text).groups() == ("2", "null")  # type: ignore[union-attr]
    for code in ("4.2.1", "4.2.3", "4.2.5", "4.2.9"):  # a milestone, aid entries, two surveys: no centre on every row
        refused = await served.client.get(f"/panel/gosterge/{code}", headers=who["konak"])
        assert refused.status_code == 403 and "yetkiniz yok" in refused.text, code
    dashboard = await served.client.get("/panel/", headers=who["konak"])
    listed = re.findall(r'<li><a href="/panel/gosterge/([0-9.]+)">', dashboard.text)
    assert listed == ["4.2.2", "4.2.4", "4.2.7", "4.2.8", "4.2.10", "4.2.11"]
