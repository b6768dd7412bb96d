"""`kentbot web` as an operator starts it: its own process, the pages and /healthz on a port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from page_reader import read_page
from site_support import kentbot_json
from sqlalchemy import select

from storage.models import Event, StaffMember
from tests.reports.cli_support import seed_for_cli
from tests.reports.reports_db_sample import YEAR, local, seed
from tests.waiting import eventually

LISTENING = re.compile(r"serving the public pages on (http://\S+/)")


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


async def test_kentbot_web_serves_the_pages_and_healthz(seeded, tmp_path: Path) -> None:
    document = await kentbot_json(seeded.capsys, "indicators", "--year", str(YEAR), "--json")
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "web", "--port", "0", "--year", str(YEAR)],
                                   env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT)
    try:
        async def address() -> str | None:
            assert process.poll() is None, log.read_text()
            found = LISTENING.search(log.read_text())
            return found.group(1) if found else None

        base = await eventually(address, "kentbot web to listen")
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            health = await client.get("/healthz")
            assert health.status_code == 200 and health.json()["database"]["reachable"] is True
            page = read_page((await client.get("/ar")).text)
            assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
            assert page.fields["target-achievement"] == document["achievement"]
            assert (await client.get("/gosterge/4.2.9")).status_code == 200
            assert page.cards["4.2.2"]["actual"] == 3

            # A change the process is told of (SIGHUP) shows without waiting for the minute.
            async with seeded.sessions.begin() as session:
                staff = (await session.execute(select(StaffMember.id))).scalars().first()
                session.add(Event(centre_id="bayrakli-masal-evi", type="children_youth", title="Masal saati",
                                  starts_at=local(YEAR, 6, 2), status="held", created_by=staff,
                                  created_at=local(YEAR, 6, 1)))
            process.send_signal(signal.SIGHUP)

            async def four_events() -> bool:
                return read_page((await client.get("/")).text).cards["4.2.2"]["actual"] == 4

            await eventually(four_events, "the figures recomputed after SIGHUP")
            moved = await client.get("/panel")
            assert moved.status_code == 308 and moved.headers["location"] == "/panel/"
            panel = await client.get("/panel/")
            assert panel.status_code == 401 and "/panel" in panel.text and panel.headers["x-frame-options"] == "DENY"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()


async def test_kentbot_web_refuses_a_bad_port_in_one_line(seeded) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "web", "--port", "70000"], env=dict(os.environ),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not a port" in result.stderr and "Traceback" not in result.stderr
