"""Files and folders that may hold personal data are their owner's alone.

The database with its WAL and shared-memory files, backups, reports, exports, the demo bot's
log and the key file are created 0600, in folders created 0700, whatever the process umask,
so no other account on the machine can read them. `kentbot` also sets the umask 077 when it
starts, for files a library creates on its own.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
OWNER_ONLY_UMASK = 0o077


def private_folder(path: Path) -> Path:
    """Create `path` and its missing parents as 0700; a folder that exists is left as it is
    (it may be the working directory or a shared parent)."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            os.chmod(folder, PRIVATE_FOLDER)
    return path


def own_folder(path: Path) -> Path:
    """kentbot's own data folder: created, or tightened if it exists, to 0700."""
    private_folder(path)
    if path.stat().st_uid == os.getuid():
        os.chmod(path, PRIVATE_FOLDER)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists and is 0600, creating it empty if missing (in a 0700 folder).
    A file another account owns is left to that account."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """An existing file of ours made 0600 (a database or WAL written by an older version)."""
    try:
        if path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE)
    except FileNotFoundError:
        pass


def open_private(path: Path) -> BinaryIO:
    """`path` opened for writing from the start, 0600 even if it existed with wider rights."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return os.fdopen(descriptor, "wb")


def write_private(path: Path, content: bytes | str) -> Path:
    """Write `content` (text as UTF-8) to `path`, readable and writable by the owner only."""
    with open_private(path) as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)
    return path
