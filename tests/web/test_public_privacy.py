"""Nothing private reaches a public page: every page, download and error page is fetched over
HTTP from a database holding names, Telegram ids, keys and free text, and none of them is there.
Every response carries the security headers and sets no cookie."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from site_support import CODES, every_page_path, public_site

from storage.models import Person
from storage.repositories import surveys
from tests.reports.cli_support import seed_for_cli
from tests.reports.reports_db_sample import RESPONDENT_KEYS_PREFIX, YEAR, seed

# Personal values the sample database holds (tests/reports/reports_db_sample.py) and more below.
PRIVATE_TEXT = (
    "Ayşe Yılmaz", "Kişi 0", "Kişi 4", "Üye 0", "Üye 3", "identity-0", "citizen-0", RESPONDENT_KEYS_PREFIX,
    "özel yorum metni", "İskan belgesi alındı", "okul teslimi", "yanlış sayım",
    "Zeynep Gizlisoy", "citizen-secret-7f3a", "respondent-unique-5512", "Bu yorum kimseye gösterilmemeli",
)
TELEGRAM_IDS = (900, 901, 904, 7770001234)


async def seed_personal(session) -> None:
    """The report sample, a person more with a long Telegram id, and a comment with its key."""
    await seed(session)
    session.add(Person(citizen_key="citizen-secret-7f3a", telegram_user_id=7770001234, display_name="Zeynep Gizlisoy",
                       language="tr", created_at=datetime(2026, 2, 1, tzinfo=timezone.utc)))
    await surveys.save_response(session, surveys.NewResponse(
        survey_id="disability_centre", survey_version=1, period="2026-Q2", respondent_key="respondent-unique-5512",
        language="tr", completed_on=date(2026, 5, 2), completed_at=None, centre_id="bornova-engelli",
        respondent_role="self", satisfied=True, score=5,
        answers={"overall": 5, "comment": "Bu yorum kimseye gösterilmemeli, Zeynep Gizlisoy"},
    ))


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed_personal)


def every_path() -> list[str]:
    downloads = [f"/gosterge/{code}.{kind}" for code in CODES for kind in ("csv", "json")]
    errors = ["/gosterge/4.2.99", "/en?yil=abc", "/nothing-here"]
    return [*every_page_path(), *[f"{path}?yil=2025" for path in ("/", "/en", "/ar")], *downloads, *errors]


async def test_no_personal_value_on_any_public_page(seeded) -> None:
    async with public_site(YEAR) as site:
        fetched = 0
        for path in every_path():
            response = await site.client.get(path)
            assert response.status_code in (200, 400, 404), path
            body = response.text
            for value in PRIVATE_TEXT:
                assert value.lower() not in body.lower(), (path, value)
            for telegram_id in TELEGRAM_IDS:
                assert not re.search(rf"(?<![0-9.,]){telegram_id}(?![0-9])", body), (path, telegram_id)
            fetched += 1
        page = (await site.client.get("/gosterge/4.2.9")).text
    assert fetched == len(every_path()) == 64
    assert "Bornova" in page  # the aggregate by centre is there; the rows behind it are not


async def test_every_response_has_the_security_headers_and_no_cookie(seeded) -> None:
    async with public_site(YEAR) as site:
        for path in [*every_path(), "/static/site.css"]:
            response = await site.client.get(path)
            headers = response.headers
            policy = headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
            assert "unsafe-inline" not in policy and "script-src" not in policy, path
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-content-type-options"] == "nosniff"
            assert "set-cookie" not in headers, path
            assert not site.client.cookies
            if response.status_code == 200 and headers["content-type"].startswith("text/html"):
                assert "<script" not in response.text and " style=" not in response.text, path
