"""Debian's Chromium (`apt-get install chromium`), driven by Playwright: never a browser
build of Playwright's own, which would have to be downloaded."""

from __future__ import annotations

import shutil

from playwright.sync_api import Browser, Playwright

INSTALL_HINT = "install Debian's browser first: apt-get install -y chromium"


class ChromiumMissing(RuntimeError):
    """No `chromium` on PATH."""


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from PATH; says how to install it when it is not there."""
    executable = shutil.which("chromium")
    if executable is None:
        raise ChromiumMissing(f"no chromium on PATH: {INSTALL_HINT}")
    return playwright.chromium.launch(executable_path=executable, headless=True)
