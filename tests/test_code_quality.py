"""The code passes the linter and the type checker as configured in pyproject.toml: ruff over
the whole repository, mypy over the product's packages (strict flags on the pure core)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name(tool)
    return subprocess.run([str(binary), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    run = _run("ruff", "check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_finds_nothing() -> None:
    # The cache (.mypy_cache, git-ignored) makes a second run take seconds instead of a minute.
    run = _run("mypy")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found"), run.stdout
