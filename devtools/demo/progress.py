"""A progress bar for the demo's long step, drawn only on a terminal: in a log or a pipe the
demo prints its summary lines alone, with no control characters between them."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(stream: TextIO | None = None) -> Progress:
    """A bar that disappears when done (the summary line says the rest); silent off a terminal."""
    console = Console(file=stream or sys.stdout)
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )
