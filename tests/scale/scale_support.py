"""Helpers for the scale tests: an emulator with Telegram's limits, started citizens, a bot."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.config import load_settings
from bot.connection_guard import GuardedRequest
from bot.consent.notice import SAMPLE as SAMPLE_NOTICE
from bot.services import Services, build_services
from devtools.emulator import EmulatorClient, EmulatorConfig, SimulatedUser, start_emulator
from storage.repositories import outbox

BOT_TOKEN = "123456789:kentbot-scale-token"
SECRET = "scale-secret-0123456789abcdef"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
# A 1x1 PNG, enough for the emulator to accept a photo.
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@asynccontextmanager
async def emulator(**config: object) -> AsyncIterator[EmulatorClient]:
    runner, url = await start_emulator("127.0.0.1", 0, EmulatorConfig(tokens=(BOT_TOKEN,), **config))  # type: ignore[arg-type]
    client = EmulatorClient(url)
    try:
        yield client
    finally:
        await client.aclose()
        await runner.cleanup()


async def started_citizens(client: EmulatorClient, ids: range | list[int]) -> None:
    """Telegram lets a bot write only to people who started it. Their /start updates are
    dropped: these tests are about what the bot sends on its own."""
    for user_id in ids:
        await client.create_user(user_id, f"Citizen {user_id}", language_code="tr")
        await client.send_message(user_id, {"text": "/start"})
    async with bot_for(client) as bot:
        await bot.delete_webhook(drop_pending_updates=True)


def bot_for(client: EmulatorClient, read_timeout: float = 5.0) -> Bot:
    """A bot for the drainer, its calls checked like the application's (`bot.connection_guard`)."""
    request = GuardedRequest(HTTPXRequest(connection_pool_size=16, read_timeout=read_timeout, connect_timeout=2.0))
    return Bot(BOT_TOKEN, base_url=client.bot_base_url, base_file_url=client.bot_base_file_url, request=request)


def environment(db_url: str, base_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": db_url,
        "KENTBOT_SECRET": SECRET,
        "KENTBOT_DATA_DIR": str(data_dir),
        # `kentbot run` refuses to start without the KVKK notice; the tests use the sample.
        "KENTBOT_KVKK_NOTICE": str(SAMPLE_NOTICE),
        **extra,
    }


def services_for(db: object, client: EmulatorClient, tmp_path: Path, **extra: str) -> Services:
    return build_services(load_settings(**environment(db.url, client.base_url, tmp_path, **extra)))  # type: ignore[attr-defined]


async def enqueue_texts(services: Services, chat_ids: list[int], prefix: str = "notice", per_chat: int = 1) -> None:
    async with services.sessions.begin() as session:
        for chat_id in chat_ids:
            for n in range(per_chat):
                await outbox.enqueue(
                    session,
                    dedupe_key=f"{prefix}:{chat_id}:{n}",
                    chat_id=chat_id,
                    kind="notice",
                    payload={"text": f"Duyuru {n} / {chat_id}"},
                    not_before=NOW,
                    now=NOW,
                )


# --- A citizen's steps through the bot, seen from the emulator ------------------------------

Message = dict[str, Any]


def buttons(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def has_button(text: str) -> Callable[[Message], bool]:
    return lambda message: text in buttons(message)


def contains(fragment: str) -> Callable[[Message], bool]:
    return lambda message: fragment in (message.get("text") or "")


async def after(user: SimulatedUser, action: Awaitable[Any], predicate: Callable[[Message], bool]) -> Message:
    """Do something, then wait for a NEW bot message that matches."""
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await action
    return await user.wait_for(lambda m: m["message_id"] > seen and predicate(m), timeout=15)


async def complete_disability_survey(user: SimulatedUser) -> None:
    """Onboard in Turkish and answer the disability-centre survey to the end."""
    await reach_the_services_question(user)
    await user.press("☐ Ulaşım")
    await user.wait_for(has_button("☑ Ulaşım"), timeout=15)
    await finish_after_the_services(user)


async def reach_the_services_question(user: SimulatedUser) -> Message:
    """Onboard in Turkish and answer the disability-centre survey up to its multiple choice
    (whose buttons toggle, so an update applied twice would show)."""
    await after(user, user.send("/start"), has_button("Türkçe"))
    await after(user, user.press("Türkçe"), has_button("Evet, onaylıyorum"))
    await user.press("Evet, onaylıyorum")
    choose = await user.wait_for(contains("Hangi hizmeti"), timeout=15)
    await after(user, user.press("Engelli merkezi hizmet değerlendirmesi", message_id=choose["message_id"]), contains("Bu soruları kim yanıtlıyor?"))
    await after(user, user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım"), contains("Hangi merkez?"))
    return await after(user, user.press("Buca Engelli Hizmet Merkezi"), contains("neler yapıldı"))


async def finish_after_the_services(user: SimulatedUser) -> None:
    """Confirm the services chosen and answer the rest of the survey."""
    await after(user, user.press("✔ Tamam"), contains("bilgi veriyor mu"))
    await after(user, user.press("Evet"), contains("nasıl davranıyor"))
    await after(user, user.press("😀 Çok memnunum"), contains("gelip gitmekten"))
    await after(user, user.press("🙂 Memnunum"), contains("içeride dolaşmaktan"))
    await after(user, user.press("🙂 Memnunum"), contains("Tuvaletlerden"))
    await after(user, user.press("🙂 Memnunum"), contains("etkinliklerden"))
    await after(user, user.press("🙂 Memnunum"), contains("Genel olarak"))
    await after(user, user.press("🙂 Memnunum"), contains("Görüş ya da önerinizi"))
    await after(user, user.send("Teşekkürler"), contains("Görüşleriniz bizim için değerli"))
