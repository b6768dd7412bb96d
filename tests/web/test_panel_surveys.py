"""Survey results and comments on the panel over real HTTP: a manager's results page carries
every figure, flag and hidden cell of `kentbot results --json` for the same database, and the
comments page lists what chat's /yorumlar would, to the same people (staff their own centres,
managers every centre, anonymous comments only in groups of at least 5)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from panel_support import join, served, signed  # noqa: F401  (served: a fixture)

from bot.cli import main
from tests.reports.cli_support import seed_for_cli
from tests.reports.comments_sample import BORNOVA, IDENTIFIED, seed

_SECTION = re.compile(r'<section class="question" data-question="([^"]+)" data-version="([^"]*)" data-n="([^"]*)" '
                      r'data-suppressed="(true|false)" data-small-sample="(true|false)">(.*?)</section>', re.S)
_CELL = re.compile(r'<tr data-cell="([^"]+)" data-count="([^"]*)">')


@pytest.fixture
async def seeded(db, served, monkeypatch, tmp_path, capsys):  # noqa: F811
    today = served.clock().astimezone(served.services.zone).date()

    async def comments(session) -> None:
        await seed(session, today)

    await seed_for_cli(db, monkeypatch, tmp_path, capsys, comments)
    async with served.services.sessions.begin() as session:
        members = {
            "manager": await join(session, "manager", None, 9801, served.clock()),
            "bornova": await join(session, "staff", BORNOVA, 9802, served.clock()),
            "konak": await join(session, "staff", "konak-kadin", 9803, served.clock()),
        }
    return db, today, {name: signed(await served.session_of(m.id)) for name, m in members.items()}


async def _results_json(db, survey: str, year: int) -> dict:
    db.capsys.readouterr()
    assert await asyncio.to_thread(main, ["results", "--survey", survey, "--year", str(year), "--json"]) == 0
    return json.loads(db.capsys.readouterr().out)


def _expected(question: dict) -> tuple:
    cells = [*question["cells"], *(c for c in (question["not_applicable"], question["skipped"]) if c is not None)]
    return (question["id"], "null" if question["n"] is None else str(question["n"]), question["suppressed"],
            question["small_sample"], [(c["key"], "null" if c["hidden"] or c["count"] is None else str(c["count"]))
                                       for c in cells])


async def test_a_manager_sees_every_figure_and_hidden_cell_of_kentbot_results(served, seeded) -> None:
    db, today, who = seeded
    index = await served.client.get("/panel/anket", headers=who["manager"])
    assert 'href="/panel/anket/women_support?yil=' in index.text
    for survey in ("disability_centre", "women_support"):
        page = await served.client.get(f"/panel/anket/{survey}?yil={today.year}", headers=who["manager"])
        assert page.status_code == 200, survey
        document = await _results_json(db, survey, today.year)
        shown = [(qid, n, suppressed == "true", small == "true", _CELL.findall(body))
                 for qid, version, n, suppressed, small, body in _SECTION.findall(page.text) if not version]
        assert shown == [_expected(q) for q in document["questions"]], survey
        assert len(shown) >= 3 and any(suppressed for _, _, suppressed, _, _ in shown), shown
        assert survey != "women_support" or any(n != "null" and small for _, n, _, small, _ in shown), shown
        assert f'id="responses" data-value="{document["responses"]}"' in page.text
        for question in document["questions"]:
            if question["top2"] is not None:
                body = next(b for qid, _, _, _, _, b in _SECTION.findall(page.text) if qid == question["id"])
                assert f'data-field="top2" data-value="{question["top2"]["percent"]:g}"' in body
    anonymous = await served.client.get(f"/panel/anket/women_support?yil={today.year}", headers=who["manager"])
    assert "gizlendi" in anonymous.text and "Bu ay anonim yorum" not in anonymous.text
    empty = await served.client.get(f"/panel/anket/women_support?yil={today.year - 3}", headers=who["manager"])
    assert 'id="suppressed"' in empty.text and (await _results_json(db, "women_support", today.year - 3))["suppressed"]
    assert (await served.client.get("/panel/anket/nope", headers=who["manager"])).status_code == 404


async def test_comments_follow_the_chats_rules_for_who_reads_which(served, seeded) -> None:
    _, _, who = seeded

    async def texts(member: str) -> list[str]:
        page = await served.client.get("/panel/yorumlar", headers=who[member])
        assert page.status_code == 200
        return re.findall(r"<blockquote>([^<]+)</blockquote>", page.text)

    bornova = [text for centre, _, text in IDENTIFIED if centre == BORNOVA]
    assert await texts("bornova") == bornova  # newest first, Buca's left out
    assert await texts("konak") == []
    everything = await texts("manager")
    assert [t for t in everything if not t.startswith("Bu ay")] == [text for _, _, text in IDENTIFIED]
    assert sorted(t for t in everything if t.startswith("Bu ay")) == [f"Bu ay anonim yorum {n}" for n in range(5)]
    assert not any(t.startswith("Geçen ay") for t in everything)  # a group of 4 is never shown
    page = (await served.client.get("/panel/yorumlar", headers=who["manager"])).text
    assert 'id="total" data-value="10"' in page
    anonymous = re.findall(r'<li class="comment" data-anonymous="true">\s*<p class="meta">([^<]+)</p>', page)
    assert len(anonymous) == 5 and all(meta.startswith("dönem ") for meta in anonymous)
