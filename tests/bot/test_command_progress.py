"""The long commands show how far they are on a terminal, and leave a pipe clean.

Each command runs as a process: once with its stderr on a pseudo-terminal (the bar is drawn
there and its last frame stays), once piped as under cron or CI, with FORCE_COLOR and
TTY_COMPATIBLE set as some CI services set them: no bar may reach the pipe, and stdout, the
command's real output, is the same either way. Nothing here depends on timing: the bar's last
frame is drawn when the work ends, however fast it went.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from storage.centres import load_centres
from storage.models import Membership, OutboxMessage, Person
from storage.repositories import centres
from tests.reports.results_db_sample import seed as seed_responses
from tests.support.terminal import BAR_MARKS, Ran, on_terminal, piped

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
FORCING_CI = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}
MEMBERS = 7


def settings(db: Any, tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": db.url,
        "KENTBOT_DATA_DIR": str(tmp_path / "data"),
        "KENTBOT_BOT_USERNAME": "kentbot_izmir_bot",
    }


def assert_clean(ran: Ran) -> None:
    """Nothing of a bar in what a pipe got."""
    assert ran.code == 0, ran.stderr
    assert not [mark for mark in BAR_MARKS if mark in ran.stdout + ran.stderr], ran.stderr


async def seed_members(db: Any) -> None:
    """Alzheimer-centre members approved this year, whom a campaign invites."""
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        centre = next(c.id for c in load_centres() if c.type == "alzheimer_centre")
        for n in range(MEMBERS):
            person = Person(
                citizen_key=f"c{n}", telegram_user_id=9100 + n, display_name=f"P{n}", language="tr", created_at=NOW
            )
            session.add(person)
            await session.flush()
            session.add(
                Membership(
                    person_id=person.id,
                    centre_id=centre,
                    relation="self",
                    member_name="X",
                    identity_key=f"i-{n}",
                    contact_preference="telegram",
                    status="approved",
                    approved_on=date(2026, 11, 2),
                    created_at=NOW,
                )
            )


async def test_a_campaign_counts_the_people_it_invites_on_a_terminal(db, tmp_path: Path) -> None:
    await seed_members(db)
    env = settings(db, tmp_path)
    invite = ["invite", "--survey", "disability_centre", "--to", "members", "--since", "2026-01-01"]

    dry = piped([*invite, "--dry-run"], {**env, **FORCING_CI}, tmp_path)
    assert_clean(dry)
    assert dry.stderr == "" and f"{MEMBERS} people; {MEMBERS} invitations would be queued" in dry.stdout

    shown = on_terminal(invite, env, tmp_path)
    assert shown.code == 0, shown.stderr
    assert "queueing invitations" in shown.stderr and f"{MEMBERS}/{MEMBERS}" in shown.stderr and "100%" in shown.stderr
    # The summary alone on stdout: a script reading it gets no bar.
    assert shown.stdout.splitlines() == [
        dry.stdout.strip().replace("would be queued", "queued").replace(" (dry run: nothing was changed)", "")
    ]
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == MEMBERS


def _xlsx_rows(path: Path, sheet: int = 0) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        return list(book.worksheets[sheet].iter_rows(values_only=True))
    finally:
        book.close()


COMMANDS = {
    # name: (arguments for an output path, the bar's text, steps, what the output must hold)
    "export responses": (
        lambda out: [
            "export",
            "responses",
            "--survey",
            "disability_centre",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "xlsx",
            "--out",
            str(out / "responses.xlsx"),
        ],
        "exporting disability_centre",
        3,
    ),
    "results": (
        lambda out: [
            "results",
            "--survey",
            "disability_centre",
            "--year",
            "2026",
            "--centre",
            "bornova-engelli",
            "--json",
            "--chart",
            str(out / "items.png"),
        ],
        "results of disability_centre",
        4,
    ),
    "report workbook": (
        lambda out: [
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "xlsx",
            "--out",
            str(out / "report.xlsx"),
        ],
        "report",
        3,
    ),
    "open data": (
        lambda out: ["export", "opendata", "--year", "2026", "--out", str(out / "open")],
        "open data 2026",
        2,
    ),
}


def check_output(name: str, ran: Ran, out: Path) -> str:
    """The command's output is right, files included; returns stdout without the folder's name."""
    assert ran.code == 0, ran.stderr
    if name == "export responses":
        rows = _xlsx_rows(out / "responses.xlsx")
        assert len(rows) == 1 + 44 and rows[0][0] is not None
        assert ran.stdout.splitlines() == [f"written {out / 'responses.xlsx'} (44 responses)"]
    elif name == "results":
        document = json.loads(ran.stdout)
        assert (
            document["survey_id"] == "disability_centre"
            and document["responses"] == 36
            and (out / "items.png").read_bytes().startswith(b"\x89PNG")
        )
    elif name == "report workbook":
        assert len(_xlsx_rows(out / "report.xlsx")) > 5 and ran.stdout.splitlines() == [
            f"written {out / 'report.xlsx'}"
        ]
    else:
        assert (out / "open" / "hedef-4.2-2026.csv").read_text(encoding="utf-8").startswith("target,year,code,")
        assert (out / "open" / "hedef-4.2-2026-ozet.json").is_file()
    return ran.stdout.replace(str(out), "OUT")


# The bar knows no database: SQLite alone spares CI a second run of every command.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", COMMANDS)
async def test_exports_and_reports_show_their_steps_on_a_terminal(db, tmp_path: Path, name: str) -> None:
    async with db.sessions.begin() as session:
        await seed_responses(session)
    env = settings(db, tmp_path)
    arguments, bar, steps = COMMANDS[name]
    for folder in ("terminal", "pipe"):
        (tmp_path / folder).mkdir()

    shown = on_terminal(arguments(tmp_path / "terminal"), env, tmp_path)
    assert bar in shown.stderr and f"{steps}/{steps}" in shown.stderr and "100%" in shown.stderr, shown.stderr
    quiet = piped(arguments(tmp_path / "pipe"), {**env, **FORCING_CI}, tmp_path)
    assert_clean(quiet)
    assert bar not in quiet.stderr
    assert check_output(name, shown, tmp_path / "terminal") == check_output(name, quiet, tmp_path / "pipe")
