"""Fixtures: a real emulator on a free 127.0.0.1 port, a real PTB Bot and simulated users."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import Bot

from devtools.emulator import EmulatorClient, EmulatorConfig, SimulatedUser, start_emulator

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"

StartEmulator = Callable[..., Awaitable[EmulatorClient]]


@pytest.fixture
async def start() -> AsyncIterator[StartEmulator]:
    """Start emulators with custom settings; all are stopped after the test."""
    running = []

    async def _start(**settings: object) -> EmulatorClient:
        config = EmulatorConfig(tokens=(TOKEN,), **settings)  # type: ignore[arg-type]
        runner, url = await start_emulator("127.0.0.1", 0, config)
        client = EmulatorClient(url)
        running.append((runner, client))
        return client

    yield _start
    for runner, client in running:
        await client.aclose()
        await runner.cleanup()


@pytest.fixture
def token() -> str:
    """The token every emulator in these tests accepts."""
    return TOKEN


@pytest.fixture
async def emulator(start: StartEmulator) -> EmulatorClient:
    return await start()


@pytest.fixture
async def bot(emulator: EmulatorClient) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=emulator.bot_base_url, base_file_url=emulator.bot_base_file_url
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def user(emulator: EmulatorClient) -> SimulatedUser:
    """A citizen who has opened the chat, so the bot may write to her."""
    citizen = SimulatedUser(emulator, 1001, "Ayşe", "tr")
    await citizen.send("merhaba")
    return citizen


@pytest.fixture
def png() -> Callable[[int, int], bytes]:
    return make_png


def make_png(width: int, height: int) -> bytes:
    """A valid greyscale PNG of the given size, built by hand to keep tests dependency-free."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
