"""The shared progress bar: drawn on a terminal, with what each step is; nothing at all in a
pipe or a log, even when FORCE_COLOR or TTY_COMPATIBLE claim a terminal."""

from __future__ import annotations

import io
import os
import pty
import select

import pytest

from bot.progress import progress_bar


def _drawn(master: int) -> str:
    """Everything sent to the terminal, read once its other side is closed."""
    received = b""
    while select.select([master], [], [], 30)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # Linux: EIO once the other side is closed and everything was read
            break
        if not chunk:
            break
        received += chunk
    return received.decode("utf-8", "replace")


def test_a_terminal_sees_each_step_and_the_count() -> None:
    master, slave = pty.openpty()
    try:
        with (
            os.fdopen(slave, "w", encoding="utf-8") as terminal,
            progress_bar("report", total=2, stream=terminal) as bar,
        ):
            with bar.step("reading the figures"):
                pass
            with bar.step("writing report.xlsx"):
                pass
        drawn = _drawn(master)
    finally:
        os.close(master)
    assert "report" in drawn and "2/2" in drawn and "100%" in drawn


@pytest.mark.parametrize("forced", [{}, {"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}])
def test_a_pipe_gets_nothing(monkeypatch: pytest.MonkeyPatch, forced: dict[str, str]) -> None:
    for name, value in forced.items():
        monkeypatch.setenv(name, value)
    piped = io.StringIO()
    with progress_bar("copying", stream=piped) as bar:
        bar.update(3, 10)
        with bar.step("more"):
            bar.advance(7)
    assert piped.getvalue() == ""
