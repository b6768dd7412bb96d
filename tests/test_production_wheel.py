"""The production package is the product only: the wheel `pip install .` installs holds kentbot's
own packages, and neither the development tools (the Bot API emulator, the demo), nor the tests,
nor what they need to run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "handlers", "web", "surveys", "storage", "reports", "services")
# Not sources: the copy leaves them out, so the wheel is made as from a fresh clone.
LEFT_AT_HOME = {".git", ".venv", "build", "data", "out", ".pytest_cache", ".hypothesis"}
IMPORTS_DEVELOPMENT = re.compile(r"^\s*(from|import)\s+(devtools|tests)\b", re.MULTILINE)


def _source_copy(target: Path) -> Path:
    """setuptools reuses `build/` and the egg-info of the checkout: files left there by an
    older layout would go into the wheel, so the wheel is built from a clean copy."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == ROOT
        return [n for n in names if (top and n in LEFT_AT_HOME) or n == "__pycache__" or n.endswith(".egg-info")]

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _build_wheel(tmp_path: Path) -> zipfile.ZipFile:
    source = _source_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
         "--wheel-dir", str(dist), str(source)],
        capture_output=True, text=True, timeout=280,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = dist.glob("kentbot-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_production_wheel_holds_the_product_and_no_development_tools(tmp_path: Path) -> None:
    with _build_wheel(tmp_path) as wheel:
        names = wheel.namelist()
        info = next(name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info"))
        packages = {name.split("/")[0] for name in names} - {info}
        assert packages == {package for package in PRODUCT if (ROOT / package).is_dir()}
        assert not [name for name in names if re.search(r"(^|/)(devtools|emulator|demo)(/|\.py$)", name)]
        # What the product needs at run time came along: the CLI, the surveys, the plan, the migrations,
        # the public pages' and the web panel's templates, stylesheet and words.
        needed = ["bot/cli.py", "reports/plan.yaml"] + [
            path.relative_to(ROOT).as_posix()
            for path in (*ROOT.glob("surveys/definitions/*.yaml"), *ROOT.glob("storage/migrations/versions/0*.py"),
                         *ROOT.glob("web/templates/*.html"), *ROOT.glob("web/static/*"), *ROOT.glob("web/locales/*.yaml"),
                         *ROOT.glob("web/panel/templates/*.html"), *ROOT.glob("web/panel/locales/*.yaml"))
        ]
        assert len(needed) > 10 and not [path for path in needed if path not in names]
        # No product module reaches into the development tools or the tests.
        sources = {name: wheel.read(name).decode() for name in names if name.endswith(".py")}
        assert not [name for name, text in sources.items() if IMPORTS_DEVELOPMENT.search(text)]
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    # The one command is kentbot's; the test requirements are no extra of the product.
    assert re.findall(r"^(\S+) = ", entry_points, re.MULTILINE) == ["kentbot"]
    assert "Provides-Extra" not in metadata
    assert not re.search(r"^Requires-Dist: (pytest|hypothesis)", metadata, re.MULTILINE)
