"""Every public page: the target card and each indicator's page, in each language."""

from __future__ import annotations

from reports.plan import load_plan
from tests.browser.conftest import LANGUAGES, detail_path, home_path

CODES = [indicator.code for indicator in load_plan().indicators]
PAGES = [home_path(language) for language in LANGUAGES] + [
    detail_path(language, code) for language in LANGUAGES for code in CODES
]
