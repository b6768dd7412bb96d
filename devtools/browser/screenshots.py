"""`make screenshots`: PNGs of the public target card in Turkish, English and Arabic, on a
wide screen and on a 360-pixel-wide phone, from a database (the demo's, by default)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

from devtools.browser import chromium
from devtools.browser.server import web_server

PAGES = {"tr": "/", "en": "/en", "ar": "/ar"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def take(base_url: str, out: Path) -> list[Path]:
    """One whole-page PNG per language and screen; returns the files written."""
    written = []
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            for screen, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                for language, path in PAGES.items():
                    response = page.goto(base_url + path)
                    if response is None or response.status != 200:
                        raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")
                    target = out / f"{language}-{screen}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="screenshots", description=__doc__)
    parser.add_argument("--database", type=Path, default=Path("data/demo.sqlite3"), help="a SQLite database file")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNG files")
    args = parser.parse_args(argv)
    if not args.database.is_file():
        print(f"screenshots: no database at {args.database} (`make demo` makes one)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    database = args.database.resolve()
    environment = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}", "KENTBOT_DATA_DIR": str(database.parent)}
    with web_server(environment, database.parent / "screenshots-web.log") as base_url:
        for written in take(base_url, args.out):
            print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
