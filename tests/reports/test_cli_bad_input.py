"""Every number, year and date the command line takes is checked before it reaches the
database: a bad one is one line on stderr and exit code 2, and no stored figure changes."""

from __future__ import annotations

import pytest
from reports_db_sample import YEAR
from sqlalchemy import func, select
from test_reports_cli import kentbot, seeded  # noqa: F401  (seeded is a fixture)

from storage.models import AuditEntry, IndicatorEntry, PlanValue


async def stored(db) -> tuple[int, ...]:
    async with db.sessions() as session:
        return tuple(
            [(await session.execute(select(func.count()).select_from(model))).scalar_one() for model in (PlanValue, IndicatorEntry, AuditEntry)]
        )


async def an_entry(db) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.min(IndicatorEntry.id)))).scalar_one()


BAD = [
    (("indicators", "--year", "0"), "outside the years 2000–2100"),
    (("indicators", "--year", "10000"), "outside the years 2000–2100"),
    (("indicators", "--year", "twenty"), "is not a year"),
    (("indicator", "4.2.9", "--year", "-5"), "outside the years"),
    (("report", "--from", "0001-01-01", "--to", "2026-01-07", "--out", "r.txt"), "outside the years"),
    (("report", "--from", "2026-13-01", "--to", "2026-01-07", "--out", "r.txt"), "is not a date"),
    (("export", "opendata", "--year", "99999", "--out", "od"), "outside the years"),
    (("plan", "set", "4.2.2", "--year", str(YEAR), "--planned", "nan"), "not a finite number"),
    (("plan", "set", "4.2.2", "--year", str(YEAR), "--planned", "inf"), "not a finite number"),
    (("plan", "set", "4.2.2", "--year", str(YEAR), "--planned", "-3"), "below 0"),
    (("plan", "set", "4.2.2", "--year", str(YEAR), "--planned", "12.5"), "not a whole number"),
    (("plan", "set", "4.2.5", "--year", str(YEAR), "--planned", "0.75"), "did you mean 75?"),
    (("plan", "set", "4.2.5", "--year", str(YEAR), "--planned", "120"), "outside 0..100"),
    (("plan", "set", "4.2.2", "--year", "1999", "--planned", "5"), "outside the years"),
    (("entry", "correct", "{entry}", "--quantity", "inf", "--reason", "x"), "not a finite number"),
    (("entry", "correct", "{entry}", "--quantity", "nan", "--reason", "x"), "not a finite number"),
    (("entry", "correct", "{entry}", "--quantity", "0.5", "--reason", "x"), "1 (the entry still counts) or 0"),
    (("entry", "correct", "{entry}", "--quantity", "2", "--reason", "x"), "1 (the entry still counts) or 0"),
    (("entry", "correct", "0", "--quantity", "1", "--reason", "x"), "below 1"),
    (("staff", "invite", "--role", "staff", "--centre", "konak-kadin", "--hours", "nan", "--bot-username", "b"), "not a finite"),
    (("audit", "--since", "yesterday"), "is not a date"),
]


@pytest.mark.parametrize(("args", "says"), BAD, ids=[" ".join(a) for a, _ in BAD])
async def test_a_bad_value_is_one_line_and_exit_2_and_changes_nothing(seeded, tmp_path, args, says) -> None:
    before = await stored(seeded)
    entry = str(await an_entry(seeded))
    code, out, err = await kentbot(seeded, tmp_path, *(a.replace("{entry}", entry) for a in args))
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("kentbot:"), err
    assert says in lines[0]
    assert "Traceback" not in err and out == ""
    assert await stored(seeded) == before


async def test_a_planned_value_below_the_baseline_is_set_with_a_warning(seeded, tmp_path) -> None:
    code, out, err = await kentbot(seeded, tmp_path, "plan", "set", "4.2.2", "--year", str(YEAR), "--planned", "5", "--baseline", "10")
    assert code == 0
    assert "planned 5, baseline 10" in out
    assert "below the baseline" in err
