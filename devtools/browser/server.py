"""`kentbot web` as its own process on a free local port, as an operator starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

START_SECONDS = 60.0


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice), for the server to take."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def web_server(environment: dict[str, str], log: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """Start `kentbot web` (with `options`) with `environment` over the current one; yield its base URL once
    its home page answers 200; stop it with SIGTERM (SIGKILL if it hangs) afterwards. Its
    output goes to `log`, which a failure to start prints the end of. A `port` chosen beforehand
    lets the environment name the server's own address (KENTBOT_PUBLIC_URL)."""
    port = free_port() if port is None else port
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bot.cli", "web", "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env={**os.environ, **environment}, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(url + "/"):
            try:  # waits for the process to end, at most a moment: a dead server fails at once
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"`kentbot web` did not answer in {START_SECONDS:.0f} s") from None
            else:
                tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise RuntimeError(f"`kentbot web` exited with {process.returncode}:\n{tail}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
