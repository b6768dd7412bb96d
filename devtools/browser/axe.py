"""axe-core's accessibility rules run inside a page. The script is the npm package pinned in
package.json beside this file (`npm ci --prefix devtools/browser`, which `make test` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


class AxeMissing(RuntimeError):
    """axe-core is not installed beside this module."""


def _script() -> str:
    if not SCRIPT.is_file():
        raise AxeMissing(f"{SCRIPT} is missing: run `npm ci --prefix {SCRIPT.parents[2]}`")
    return str(SCRIPT)


def preload(context: BrowserContext) -> None:
    """Put axe-core in every page the context opens, so that checking a page sends no script."""
    context.add_init_script(path=_script())


def violations(page: Page) -> list[dict[str, Any]]:
    """Every rule the page breaks, as axe reports it. The page's own Content-Security-Policy
    would refuse the injected script: open it in a context made with `bypass_csp=True`."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):  # once per document, however often it is checked
        page.add_script_tag(path=_script())
    found: list[dict[str, Any]] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(result => result.violations)")
    return found


def blocking(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serious and critical ones."""
    return [violation for violation in found if violation["impact"] in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    """One line per rule and one per element it failed on, for a test's failure message."""
    lines = []
    for violation in found:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        lines.extend(f"    {' '.join(node['target'])}: {node['failureSummary']}" for node in violation["nodes"])
    return "\n".join(lines)
