"""A survey's raw responses downloaded from the panel over real HTTP are the very files
`kentbot export responses` writes from the same database (read back with csv, openpyxl and
pyreadstat and compared), audited under the command's action name as the member on the web;
centre staff cannot download them, a small anonymous export is refused as on the command line,
and a wrong field is told beside it with nothing audited."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pyreadstat
from openpyxl import load_workbook
from panel_support import join, served, signed  # noqa: F401  (served: a fixture)
from sqlalchemy import select

from storage.models import AuditEntry
from tests.reports.cli_support import kentbot, seed_for_cli
from tests.reports.results_db_sample import BUCA, RESPONDENT_PREFIX, YEAR, seed

YEAR_DAYS = {"ilk": f"{YEAR}-01-01", "son": f"{YEAR}-12-31"}
DISABILITY_ROWS = 36 + 8  # the year's responses of the identified survey, both centres


async def _crew(served, db, monkeypatch, tmp_path, capsys) -> dict[str, Any]:
    """The sample responses, a manager and a Buca staff member signed in to the panel."""
    await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)
    async with served.services.sessions.begin() as session:
        manager = await join(session, "manager", None, 9701, served.clock())
        staff = await join(session, "staff", BUCA, 9702, served.clock())
    return {"manager": signed(await served.session_of(manager.id)), "staff": signed(await served.session_of(staff.id)),
            "manager_id": manager.id}


async def _exports(db) -> list[AuditEntry]:
    async with db.sessions() as session:
        return list((await session.execute(select(AuditEntry).where(AuditEntry.action == "export.responses")
                                           .order_by(AuditEntry.id))).scalars())


async def _cli(db, tmp_path: Path, survey: str, fmt: str, out: str, *extra: str) -> Path:
    (tmp_path / "out").mkdir(exist_ok=True)
    args = ("export", "responses", "--survey", survey, "--from", YEAR_DAYS["ilk"], "--to", YEAR_DAYS["son"])
    code, _, err = await kentbot(db, tmp_path, *args, "--format", fmt, "--out", f"out/{out}", *extra)
    assert code == 0, err
    return tmp_path / "out" / out


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def test_the_web_export_is_the_command_lines_file_and_audited_as_the_member(
    served, db, monkeypatch, tmp_path, capsys
) -> None:
    crew = await _crew(served, db, monkeypatch, tmp_path, capsys)
    manager = crew["manager"]
    page = await served.client.get("/panel/indirme", headers=manager)
    assert page.status_code == 200 and 'action="/panel/indirme/yanitlar"' in page.text
    assert re.search(r'<select id="anket" name="anket">\s*<option value="disability_centre"', page.text)

    # CSV: a ZIP of the data file and its codebook, named and filled as the command line writes them.
    query = {"anket": "disability_centre", **YEAR_DAYS, "merkez": "", "bicim": "csv"}
    got = await served.client.get("/panel/indirme/yanitlar", params=query, headers=manager)
    assert got.status_code == 200, got.text
    name = f"disability_centre-{YEAR}-01-01-{YEAR}-12-31"
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["content-disposition"] == f'attachment; filename="{name}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    assert archive.namelist() == [f"{name}.csv", f"{name}-codebook.csv"]
    written = await _cli(db, tmp_path, "disability_centre", "csv", "d.csv")
    data, codebook = _rows(archive.read(f"{name}.csv")), _rows(archive.read(f"{name}-codebook.csv"))
    assert data == _rows(written.read_bytes()) and len(data) == DISABILITY_ROWS + 1
    assert data[0][:4] == ["row.number", "survey.version", "response.centre", "response.day"]
    assert codebook == _rows((tmp_path / "out/d-codebook.csv").read_bytes()) and codebook[0][0] == "variable"
    assert archive.read(f"{name}.csv") == written.read_bytes()

    # XLSX for one centre: the same two sheets, cell for cell.
    query = {"anket": "disability_centre", **YEAR_DAYS, "merkez": BUCA, "bicim": "xlsx"}
    got = await served.client.get("/panel/indirme/yanitlar", params=query, headers=manager)
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"] == f'attachment; filename="disability_centre-{BUCA}-{YEAR}-01-01-{YEAR}-12-31.xlsx"'
    written = await _cli(db, tmp_path, "disability_centre", "xlsx", "d.xlsx", "--centre", BUCA)
    web_book, cli_book = _sheets(got.content), _sheets(written.read_bytes())
    assert web_book == cli_book and list(web_book) == ["Yanıtlar", "Kod kitabı"]
    assert len(web_book["Yanıtlar"]) == 8 + 1 and {row[2] for row in web_book["Yanıtlar"][1:]} == {BUCA}

    # The anonymous survey: exactly the command line's rows, with the month and never the day.
    query = {"anket": "women_support", **YEAR_DAYS, "merkez": "", "bicim": "xlsx"}
    got = await served.client.get("/panel/indirme/yanitlar", params=query, headers=manager)
    written = await _cli(db, tmp_path, "women_support", "xlsx", "w.xlsx")
    web_book = _sheets(got.content)
    assert web_book == _sheets(written.read_bytes())
    header, *rows = web_book["Yanıtlar"]
    assert len(rows) == 15 and "response.day" not in header and {row[3] for row in rows} == {"2026-03", "2026-05"}

    # SPSS: the labelled file and its codebook, read back as the command line's.
    query = {"anket": "disability_centre", **YEAR_DAYS, "merkez": "", "bicim": "sav"}
    got = await served.client.get("/panel/indirme/yanitlar", params=query, headers=manager)
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    assert archive.namelist() == [f"{name}.sav", f"{name}-codebook.csv"]
    (tmp_path / "web.sav").write_bytes(archive.read(f"{name}.sav"))
    written = await _cli(db, tmp_path, "disability_centre", "sav", "d.sav")
    web_frame, web_meta = pyreadstat.read_sav(str(tmp_path / "web.sav"))
    cli_frame, cli_meta = pyreadstat.read_sav(str(written))
    assert web_frame.equals(cli_frame) and len(web_frame) == DISABILITY_ROWS
    assert web_meta.variable_value_labels == cli_meta.variable_value_labels
    assert web_meta.column_names_to_labels == cli_meta.column_names_to_labels

    for content in (archive.read(f"{name}.sav"), got.content):
        assert RESPONDENT_PREFIX.encode() not in content
    entries = await _exports(db)
    web = [entry for entry in entries if entry.actor.startswith("web:")]
    cli = [entry for entry in entries if entry.actor.startswith("cli:")]
    assert {entry.actor for entry in web} == {f"web:staff:{crew['manager_id']}"} and len(cli) == 4
    assert [(e.object_id, e.after["format"], e.after["centre"], e.after["rows"]) for e in web] == [
        (e.object_id, e.after["format"], e.after["centre"], e.after["rows"]) for e in cli]
    assert web[0].after["files"] == [f"{name}.csv", f"{name}-codebook.csv"]


async def test_staff_cannot_download_responses_and_a_wrong_field_is_told_with_nothing_audited(
    served, db, monkeypatch, tmp_path, capsys
) -> None:
    crew = await _crew(served, db, monkeypatch, tmp_path, capsys)
    good = {"anket": "disability_centre", **YEAR_DAYS, "merkez": "", "bicim": "csv"}
    refused = await served.client.get("/panel/indirme/yanitlar", params=good, headers=crew["staff"])
    assert refused.status_code == 403 and RESPONDENT_PREFIX not in refused.text
    assert (await served.client.get("/panel/indirme", headers=crew["staff"])).status_code == 403

    wrong = [
        ({"anket": "nope"}, {"anket": "Bir anket seçin"}),
        ({"ilk": "2026-13-01"}, {"ilk": "YYYY-AA-GG"}),
        ({"ilk": "٢٠٢٦-٠١-٠١", "son": "2026-1-5"}, {"ilk": "YYYY-AA-GG", "son": "YYYY-AA-GG"}),
        ({"ilk": "1999-12-31"}, {"ilk": "2000 ile 2100"}),
        ({"ilk": "2026-06-01", "son": "2026-05-31"}, {"son": "ilk günden önce"}),
        ({"merkez": "nowhere"}, {"merkez": "Bilinmeyen merkez"}),
        ({"bicim": "pdf"}, {"bicim": "Bir biçim seçin"}),
        # Only May's 3 anonymous responses: refused, as the command line refuses it.
        ({"anket": "women_support", "ilk": "2026-05-01", "son": "2026-05-31"}, {"form": "5'ten az"}),
    ]
    for change, messages in wrong:
        asked = {**good, **change}
        answer = await served.client.get("/panel/indirme/yanitlar", params=asked, headers=crew["manager"])
        assert answer.status_code == 400, (change, answer.status_code)
        shown = dict(re.findall(r'id="(anket|ilk|son|merkez|bicim|form)-error">([^<]+)<', answer.text))
        assert set(shown) == set(messages), (change, shown)
        for field, message in messages.items():
            assert message in html.unescape(shown[field]), (field, shown)
        for field, value in asked.items():
            if field in ("ilk", "son"):  # what was typed stays
                assert f'name="{field}" type="date" min="2000-01-01" max="2100-12-31" value="{html.escape(value)}"' in answer.text
    missing = await served.client.get("/panel/indirme/yanitlar", headers=crew["manager"])
    assert missing.status_code == 400 and 'id="bicim-error"' in missing.text
    assert await _exports(db) == []
