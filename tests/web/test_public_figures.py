"""The public pages show exactly the figures `kentbot indicators --json` prints for the same
database, in Turkish, English and Arabic, with the HTML the browser tests read."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime

import pytest
from page_reader import read_page
from site_support import CODES, LANGUAGE_PREFIXES, every_page_path, kentbot_json, public_site

from bot.cli import main
from reports.periods import ISTANBUL
from reports.plan import load_plan
from tests.reports.cli_support import seed_for_cli
from tests.reports.reports_db_sample import YEAR, seed

CARD_FIELDS = {"weight", "planned", "actual", "achievement", "n", "ci_low", "ci_high", "small_sample", "baseline_known"}


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


def expected_card(entry: dict) -> dict:
    ci = entry["ci95"]
    return {
        "weight": entry["weight"], "planned": entry["planned"], "actual": entry["actual"],
        "achievement": entry["achievement"], "n": entry["n"], "ci_low": ci[0] if ci else None,
        "ci_high": ci[1] if ci else None, "small_sample": entry["small_sample"], "baseline_known": entry["baseline_known"],
    }


async def test_every_figure_on_the_target_pages_equals_the_cli(seeded) -> None:
    document = await kentbot_json(seeded.capsys, "indicators", "--year", str(YEAR), "--json")
    async with public_site(YEAR) as site:
        for lang, prefix in LANGUAGE_PREFIXES.items():
            response = await site.client.get(prefix or "/")
            assert response.status_code == 200
            page = read_page(response.text)
            assert page.html_attrs["lang"] == lang and page.html_attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
            assert page.fields["target-achievement"] == document["achievement"]
            assert page.fields["target-achievement-covered"] == document["achievement_of_covered"]
            assert list(page.cards) == list(CODES)
            for entry in document["indicators"]:
                assert page.cards[entry["code"]] == expected_card(entry), (lang, entry["code"])
            # The raw attribute is the CLI's own JSON text, not just an equal number.
            assert f'data-value="{json.dumps(document["achievement"])}"' in response.text
            assert page.body_attrs["data-computed-at"]
            incele = [link["href"] for link in page.links if "incele" in (link.get("class") or "").split()]
            assert incele == [f"{prefix}/gosterge/{code}" for code in CODES]
    survey = next(e for e in document["indicators"] if e["code"] == "4.2.9")
    assert survey["n"] == 9 and survey["ci95"] is not None  # the sample holds the figures compared


async def test_every_incele_page_has_its_figures_trend_centres_method_and_downloads(seeded) -> None:
    document = await kentbot_json(seeded.capsys, "indicators", "--year", str(YEAR), "--json")
    entries = {entry["code"]: entry for entry in document["indicators"]}
    async with public_site(YEAR) as site:
        for lang, prefix in LANGUAGE_PREFIXES.items():
            for code in CODES:
                response = await site.client.get(f"{prefix}/gosterge/{code}")
                assert response.status_code == 200, (lang, code)
                page = read_page(response.text)
                assert page.html_attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
                assert page.cards[code] == expected_card(entries[code])
                assert page.cards[code]["actual"] == entries[code]["actual"]
                charts = [svg for svg in page.svgs if svg.get("role") == "img"]
                assert len(charts) == 1 and charts[0].get("aria-labelledby")
                assert page.tables >= 1  # the trend's table, and the centres' when there are any
                downloads = sorted(link["href"] for link in page.links if "download" in (link.get("class") or "").split())
                assert downloads == [f"/gosterge/{code}.csv", f"/gosterge/{code}.json"]
        english = (await site.client.get("/en/gosterge/4.2.9")).text
        assert "Bornova" in english and "How achievement is computed" in english


async def test_downloads_are_the_open_data_rows(seeded, tmp_path) -> None:
    assert await asyncio.to_thread(main, ["export", "opendata", "--year", str(YEAR), "--out", str(tmp_path / "open")]) == 0
    exported = json.loads((tmp_path / "open" / f"hedef-4.2-{YEAR}.json").read_text(encoding="utf-8"))
    async with public_site(YEAR) as site:
        for row in exported:
            as_json = await site.client.get(f"/gosterge/{row['code']}.json")
            assert as_json.status_code == 200 and as_json.json() == [row]
            as_csv = await site.client.get(f"/gosterge/{row['code']}.csv")
            assert as_csv.headers["content-type"].startswith("text/csv")
            (read,) = list(csv.DictReader(io.StringIO(as_csv.text)))
            assert read["code"] == row["code"] and read["weight"] == str(row["weight"])


async def test_a_bad_year_or_code_gets_a_clear_page(seeded) -> None:
    async with public_site(YEAR) as site:
        for path in ("/?yil=abcd", "/en?yil=20266", "/gosterge/4.2.9?yil=-1"):
            response = await site.client.get(path)
            assert response.status_code == 400, path
            assert "Traceback" not in response.text
            assert read_page(response.text).html_attrs["lang"] in ("tr", "en")
        assert "Geçersiz yıl." in (await site.client.get("/?yil=abcd")).text
        # What was sent is never written back into the page, however long.
        sent = "<b>" + "x" * 5000
        response = await site.client.get("/en", params={"yil": sent})
        assert response.status_code == 400 and "xxxxx" not in response.text and "Invalid year." in response.text
        assert len(response.content) < 4000
        first = min(year for indicator in load_plan().indicators for year in indicator.years)
        last = max(datetime.now(ISTANBUL).year, YEAR)
        for year in (1999, 2000, first - 1, last + 1, 2100):
            response = await site.client.get(f"/en?yil={year}")
            assert response.status_code == 404, year
            assert f"There are figures for the years {first} to {last} only." in response.text
        for path in ("/gosterge/4.2.12", "/gosterge/4.2.12.csv", "/ar/gosterge/x", "/fr"):
            response = await site.client.get(path)
            assert response.status_code == 404, path
        assert read_page((await site.client.get("/ar/gosterge/x")).text).html_attrs["dir"] == "rtl"


async def test_another_year_is_shown_when_asked(seeded) -> None:
    document = await kentbot_json(seeded.capsys, "indicators", "--year", "2025", "--json")
    async with public_site(YEAR) as site:
        page = read_page((await site.client.get("/en?yil=2025")).text)
        assert page.fields["target-achievement"] == document["achievement"]
        assert {code: card["actual"] for code, card in page.cards.items()} == {
            entry["code"]: entry["actual"] for entry in document["indicators"]}
        assert all(link["href"].endswith("?yil=2025") for link in page.links
                   if "incele" in (link.get("class") or "").split())
        assert len(every_page_path()) == 36


async def _nothing(session) -> None:
    return None


async def test_an_empty_database_shows_unknown_figures_not_an_error(db, monkeypatch, tmp_path, capsys) -> None:
    empty = await seed_for_cli(db, monkeypatch, tmp_path, capsys, _nothing)
    document = await kentbot_json(empty.capsys, "indicators", "--year", str(YEAR), "--json")
    async with public_site(YEAR) as site:
        for path in every_page_path():
            response = await site.client.get(path)
            assert response.status_code == 200, path
        page = read_page((await site.client.get("/")).text)
    assert page.fields["target-achievement"] is None is document["achievement"]
    assert page.fields["target-achievement-covered"] is None
    assert all(card["actual"] is None and card["achievement"] is None for card in page.cards.values())
    assert "—" in page.text


async def test_a_trailing_slash_redirects_on_this_site_whatever_the_host_header(seeded) -> None:
    async with public_site(YEAR) as site:
        for path, target in (("/en/", "/en"), ("/ar/gosterge/4.2.9/", "/ar/gosterge/4.2.9"),
                             ("/gosterge/4.2.9/?yil=2025", "/gosterge/4.2.9?yil=2025")):
            response = await site.client.get(path, headers={"Host": "evil.example"})
            assert response.status_code in (307, 308), path
            assert response.headers["location"] == target, path
            followed = await site.client.get(response.headers["location"])
            assert followed.status_code == 200, path
