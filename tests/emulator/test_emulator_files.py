"""Uploads are stored byte for byte so tests can open the reports the bot sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest

from devtools.emulator import EmulatorClient, SimulatedUser


async def test_send_document_bytes_round_trip(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient
) -> None:
    report = b"indicator;actual\n4.2.7;12\n" * 1000
    sent = await bot.send_document(
        1001, InputFile(report, filename="haftalik.csv"), caption="Haftalık rapor"
    )
    assert sent.document is not None
    assert sent.document.file_name == "haftalik.csv"
    assert sent.document.file_size == len(report)
    shown = await user.last_bot_message()
    assert (
        shown is not None and shown["kind"] == "document" and shown["caption"] == "Haftalık rapor"
    )
    assert await emulator.file(shown["document"]["file_id"]) == report
    again = await bot.send_document(1001, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id


async def test_send_photo_keeps_bytes_and_size(
    bot: Bot, user: SimulatedUser, emulator: EmulatorClient, png: Callable[[int, int], bytes]
) -> None:
    image = png(40, 30)
    sent = await bot.send_photo(1001, image)
    largest = sent.photo[-1]
    assert (largest.width, largest.height) == (40, 30)
    assert await emulator.file(largest.file_id) == image
    downloaded = await (await bot.get_file(largest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == image


async def test_send_photo_rejects_what_is_not_an_image(bot: Bot, user: SimulatedUser) -> None:
    with pytest.raises(BadRequest, match="(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(1001, b"not an image at all")
