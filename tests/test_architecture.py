"""The layout shows the architecture: the import contracts in pyproject.toml hold (handlers ->
bot -> services -> reports/surveys -> storage; pure arithmetic and services free of Telegram),
and no two packages, nor two parts of the bot, import each other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "web", "services", "surveys", "storage", "reports")
# The application wiring registers the handlers: the one import of a higher layer allowed.
WIRING = ("bot.app", "handlers")

def _graph() -> grimp.ImportGraph:
    """Imports that run: one made for the type checker alone (a `TYPE_CHECKING` block) names a
    type in an annotation and closes no circle when the code runs."""
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def _squashed_edges(graph: grimp.ImportGraph, depth: int, within: str = "") -> set[tuple[str, str]]:
    """Imports between the parts `depth` names deep (under `within`)."""
    def part(module: str) -> str | None:
        if within and not module.startswith(within + "."):
            return None
        return ".".join(module.split(".")[:depth])

    edges = set()
    for module in graph.modules:
        source = part(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if module == WIRING[0] and imported.split(".")[0] == WIRING[1]:
                continue
            target = part(imported)
            if source and target and source != target:
                edges.add((source, target))
    return edges


def _cycles(edges: set[tuple[str, str]]) -> list[set[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    nodes = {n for edge in edges for n in edge}
    following: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in edges:
        following[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in following[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_two_packages_import_each_other() -> None:
    assert _cycles(_squashed_edges(_graph(), 1)) == []


def test_no_two_parts_of_the_bot_import_each_other() -> None:
    assert _cycles(_squashed_edges(_graph(), 2, within="bot")) == []


def test_no_modules_of_the_bot_import_each_other_in_a_circle() -> None:
    graph = _graph()
    edges = {
        (module, imported)
        for module in graph.modules
        if module.startswith("bot.")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("bot.")
    }
    assert _cycles(edges) == []
