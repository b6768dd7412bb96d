"""The demo's progress bar shows on a terminal and leaves a log or a pipe clean."""

from __future__ import annotations

import io
import os
import pty
import select

import pytest

from devtools.demo.progress import progress_bar


@pytest.fixture(autouse=True)
def no_forced_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_a_terminal_sees_the_bar() -> None:
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8") as terminal:
            with progress_bar(terminal) as progress:
                task = progress.add_task("citizens answering", total=3)
                for _ in range(3):
                    progress.advance(task)
            terminal.flush()
        readable, _, _ = select.select([master], [], [], 30)
        drawn = os.read(master, 65536).decode("utf-8", "replace") if readable else ""
    finally:
        os.close(master)
    assert "citizens answering" in drawn and "3/3" in drawn


def test_a_pipe_gets_nothing() -> None:
    piped = io.StringIO()
    with progress_bar(piped) as progress:
        task = progress.add_task("citizens answering", total=3)
        for _ in range(3):
            progress.advance(task)
    assert piped.getvalue() == ""
