"""The demo: validate the plan and surveys, start the emulator, run the real bot process
against it over HTTP, let simulated citizens answer, then print the indicators."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.anonymous_storage import tidy_now
from bot.config import Settings
from bot.consent import notice
from bot.progress import progress_bar
from bot.survey_fit import check_surveys
from devtools.demo.citizens import CitizenDriver, personas
from devtools.demo.figures import print_figures, set_demo_plan
from devtools.demo.staff_activity import simulate_staff_year
from devtools.demo.words import say
from devtools.emulator import DEMO_TOKEN, EmulatorClient
from reports.plan import load_plan
from storage.centres import load_centres
from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.private_files import open_private, own_folder
from surveys.definition import load_shipped

CONCURRENT_CITIZENS = 16


def run_demo(settings: Settings, *, citizens: int, seed: int, out: str, lang: str = "tr") -> int:
    return asyncio.run(_demo(settings, citizens, seed, Path(out), lang))


def _check_reference_data(lang: str) -> bool:
    """The checks start-up makes: each survey on its own and against the plan, centres and links."""
    problems, _ = check_surveys()
    for problem in problems:
        print(f"  ✗ {problem}")
    if problems:
        return False
    plan, centres = load_plan(), load_centres()
    weights = sum(indicator.weight for indicator in plan.indicators)
    print(say("plan_ok", lang, code=plan.target.code, count=len(plan.indicators), weights=weights))
    print(say("centres_ok", lang, count=len(centres), districts=len({c.district for c in centres})))
    for definition in load_shipped().values():
        print(say(
            "survey_ok", lang, id=definition.id, version=definition.version, questions=len(definition.questions),
            anonymity=say(definition.anonymity, lang), indicator=definition.indicator,
        ))
    return True


async def _demo(settings: Settings, count: int, seed: int, out: Path, lang: str) -> int:
    print(f"{say('title', lang)}\n\n{say('reference', lang)}")
    if not _check_reference_data(lang):
        return 1

    data_dir = own_folder(settings.data_dir.resolve())
    database = data_dir / "demo.sqlite3"
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{database}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    print(f"\n{say('database', lang, path=database)}")

    # The emulator gets a process (and so a core) of its own, apart from the simulated citizens.
    emulator, emulator_url = _start_emulator()
    log_path = data_dir / "demo-bot.log"
    bot = _start_bot(emulator_url, url, data_dir, log_path)
    client = EmulatorClient(emulator_url)
    try:
        print(say("emulator", lang, url=emulator_url, pid=bot.pid, log=log_path))
        if not await _wait_until_polling(client, bot, lang):
            print(log_path.read_text(encoding="utf-8")[-3000:])
            return 1
        started = time.monotonic()
        completed = await _simulate(client, count, seed, lang)
        elapsed = time.monotonic() - started
        print(say("citizens", lang, count=count, completed=completed, seconds=f"{elapsed:.1f}"))
    finally:
        _stop(bot)
        _stop(emulator)
        await client.aclose()

    # The demo's own answers: release the whole pending pool, not waiting for a batch or midnight.
    await tidy_now(settings.model_copy(update={"database_url": url, "data_dir": data_dir}), release_all=True)
    now = datetime.now(timezone.utc)
    today = now.astimezone(settings.zone).date()
    started = time.monotonic()
    engine = create_engine(url)
    try:
        summary = await simulate_staff_year(
            session_factory(engine), secret=settings.resolved_secret(), seed=seed, today=today, zone=settings.zone
        )
    finally:
        await engine.dispose()
    print(say("staff", lang, seconds=f"{time.monotonic() - started:.1f}"))
    for line in summary.lines(lang):
        print(f"  {line}")
    print()
    await set_demo_plan(url, today.year, now)
    return await print_figures(url, settings, out, today, now, lang)


def _start_emulator() -> tuple[subprocess.Popen[bytes], str]:
    """`python -m devtools.emulator` on a free port, without flood limits; it prints its URL first."""
    command = [sys.executable, "-m", "devtools.emulator", "--port", "0", "--token", DEMO_TOKEN, "--rate", "0", "--per-chat", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    url = process.stdout.readline().decode().strip()
    if not url.startswith("http"):
        process.kill()
        raise RuntimeError("the Bot API emulator did not start")
    return process, url


def _start_bot(emulator_url: str, database_url: str, data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emulator_url,
        "DATABASE_URL": database_url,
        "KENTBOT_DATA_DIR": str(data_dir),
        # The emulator runs without flood limits for the demo, so the bot need not pace itself.
        "KENTBOT_REPLY_RATE": "0",
        # The demo shows the sample notice unless the operator names the controller's own.
        "KENTBOT_KVKK_NOTICE": os.environ.get("KENTBOT_KVKK_NOTICE") or str(notice.SAMPLE),
    }
    log = open_private(log_path)  # the bot's log may name what went wrong for whom
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=environment, stdout=log, stderr=subprocess.STDOUT)


async def _wait_until_polling(client: EmulatorClient, bot: subprocess.Popen[bytes], lang: str) -> bool:
    for _ in range(300):
        if bot.poll() is not None:
            print(say("bot_stopped", lang, code=bot.returncode))
            return False
        metrics = await client.metrics()
        if metrics["method_calls"].get("getUpdates", 0) > 0:
            return True
        await asyncio.sleep(0.1)
    print(say("not_polling", lang))
    return False


async def _simulate(client: EmulatorClient, count: int, seed: int, lang: str) -> int:
    surveys = load_shipped()
    centres = [c.id for c in load_centres() if c.type == "disability_centre"]
    gate = asyncio.Semaphore(CONCURRENT_CITIZENS)
    with progress_bar(say("answering", lang), total=count) as bar:

        async def one(persona) -> int:  # type: ignore[no-untyped-def]
            async with gate:
                completed = await CitizenDriver(client, persona, surveys, seed).run()
            bar.advance()
            return completed

        results = await asyncio.gather(*(one(p) for p in personas(count, seed, centres)))
    return sum(results)


def _stop(bot: subprocess.Popen[bytes]) -> None:
    if bot.poll() is None:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
