"""Summarise `mutmut run`'s results for the pure core: mutants, killed, survived, share killed.

mutmut keeps one result per mutant in mutants/<file>.meta; its own closing line is a row of
emoji. This prints plain counts per file and in all, lists the survivors, and fails when fewer
than `--target` percent are killed (a time-out counts as killed: the mutant made a test hang).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

# mutmut's exit codes of a mutant's test run (mutmut/stats.py).
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}
TIMEOUT = {24, -24, 36, 152, 255}
NOT_CHECKED = {None}


def _kind(code: int | None) -> str:
    for name, codes in (
        ("killed", KILLED), ("survived", SURVIVED), ("no tests", NO_TESTS), ("skipped", SKIPPED),
        ("timeout", TIMEOUT), ("not checked", NOT_CHECKED),
    ):
        if code in codes:
            return name
    return "suspicious"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", type=float, default=90.0, help="least share of mutants killed, in percent")
    args = parser.parse_args()
    files = tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    total: Counter[str] = Counter()
    survivors: list[str] = []
    for name in files:
        meta = Path("mutants") / f"{name}.meta"
        if not meta.exists():
            print(f"{name}: no results (run `mutmut run` first)", file=sys.stderr)
            return 2
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(_kind(code) for code in codes.values())
        survivors += sorted(key for key, code in codes.items() if _kind(code) not in ("killed", "timeout"))
        total += counts
        print(f"{name:28} {sum(counts.values()):5} mutants  {counts['killed'] + counts['timeout']:5} killed  "
              f"{counts['survived']:4} survived  {sum(counts.values()) - counts['killed'] - counts['timeout'] - counts['survived']:3} other")
    mutants = sum(total.values())
    killed = total["killed"] + total["timeout"]
    share = 100 * killed / mutants if mutants else 0.0
    if survivors:
        print("\nnot killed:")
        for key in survivors:
            print(f"  {key}")
    print(
        f"\nmutants: {mutants}, killed: {killed} (of them timed out: {total['timeout']}), "
        f"survived: {total['survived']}, no tests: {total['no tests']}, other: "
        f"{mutants - killed - total['survived'] - total['no tests']}, share killed: {share:.1f}%"
    )
    if share < args.target:
        print(f"below the target of {args.target:.0f}% killed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
