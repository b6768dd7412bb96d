"""How far a long command is, on a terminal: one bar on stderr, nothing anywhere else.

The bar is drawn only when stderr is a terminal, whatever FORCE_COLOR or TTY_COMPATIBLE
say: a command run by cron, CI or a pipe leaves its log with the lines it prints and no
control characters between them. It never touches stdout, so what a pipe reads from the
command (a JSON document, the summary line) is the same with or without a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class Bar:
    """One task's bar; every method does nothing when there is no terminal to draw on."""

    def __init__(self, description: str, drawn: tuple[Progress, TaskID] | None = None) -> None:
        self._description, self._drawn = description, drawn

    def advance(self, amount: int = 1) -> None:
        """`amount` more of the work is done."""
        if self._drawn is not None:
            progress, task = self._drawn
            progress.advance(task, amount)

    def update(self, done: int, total: int) -> None:
        """`done` of `total` is done (a total that changes on the way, as a live copy's does)."""
        if self._drawn is not None:
            progress, task = self._drawn
            progress.update(task, completed=done, total=total)

    @contextmanager
    def step(self, doing: str) -> Iterator[None]:
        """One of the steps the total counts: the bar says what it is, and counts it once done."""
        if self._drawn is None:
            yield
            return
        progress, task = self._drawn
        progress.update(task, description=f"{self._description}: {doing}")
        yield
        progress.update(task, description=self._description, advance=1)


@contextmanager
def progress_bar(description: str, total: int | None = None, *, stream: TextIO | None = None) -> Iterator[Bar]:
    """A bar for `description` out of `total` (unknown until `update` gives it), on `stream`
    (stderr) if it is a terminal; it stays on screen when done, with the time it took."""
    out = stream or sys.stderr
    if not _is_terminal(out):
        yield Bar(description)
        return
    # Imported only to draw: a command under cron or CI pays nothing for the bar.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=out, force_terminal=True),
        redirect_stdout=False,
    )
    with progress:
        yield Bar(description, (progress, progress.add_task(description, total=total)))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False
