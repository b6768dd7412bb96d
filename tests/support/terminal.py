"""Running `kentbot` as an operator would: its stderr on a pseudo-terminal, or everything piped
as under cron or CI, to see what each of them gets."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

from bot.consent.notice import SAMPLE as SAMPLE_NOTICE

ROWS, COLUMNS = 40, 140
TIMEOUT = 180.0
# What a drawn bar leaves in a stream: a carriage return, an escape sequence, the bar itself.
BAR_MARKS = ("\r", "\x1b", "━")


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str  # what a terminal showed, or what a pipe got


def environment(env: dict[str, str]) -> dict[str, str]:
    """The machine's environment without kentbot's settings, then `env`."""
    kept = {
        key: value for key, value in os.environ.items() if not key.startswith(("KENTBOT_", "TELEGRAM_", "DATABASE_"))
    }
    return {"KENTBOT_SECRET": "test-secret-0123456789abcdef", "KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE), **kept, **env}


def piped(args: list[str], env: dict[str, str], cwd: Path) -> Ran:
    """`kentbot args` with stdout and stderr piped, as cron or CI run it."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=environment(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def on_terminal(args: list[str], env: dict[str, str], cwd: Path) -> Ran:
    """`kentbot args` with stderr on a terminal of ROWS x COLUMNS and stdout piped (`kentbot …
    > file`); everything the terminal was sent, read until the command closes it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env={**environment(env), "TERM": "xterm"},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    assert process.stdout is not None
    out = process.stdout.fileno()
    received = {out: b"", master: b""}
    reading = {out, master}
    try:
        while reading:
            readable, _, _ = select.select(list(reading), [], [], TIMEOUT)
            assert readable, f"kentbot {' '.join(args)} wrote nothing for {TIMEOUT:.0f} s"
            for fd in readable:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the terminal's other side is closed (Linux says EIO)
                    chunk = b""
                received[fd] += chunk
                if not chunk:
                    reading.discard(fd)
        code = process.wait(timeout=TIMEOUT)
    finally:
        os.close(master)
        process.stdout.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    return Ran(code, received[out].decode("utf-8"), received[master].decode("utf-8", "replace"))
