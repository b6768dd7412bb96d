"""A real PTB Application long-polls the emulator while a simulated citizen uses it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from devtools.emulator import EmulatorClient, SimulatedUser


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    source = context.args[0] if context.args else "direct"
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Alzheimer merkezi", callback_data="register:alzheimer")]]
    )
    await update.effective_message.reply_text(f"Hoş geldiniz ({source})", reply_markup=keyboard)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Kaydınız alındı")
    await query.edit_message_text(f"Kayıt: {query.data}")


async def test_start_keyboard_press_and_edit_over_long_polling(
    emulator: EmulatorClient, token: str
) -> None:
    app = ApplicationBuilder().token(token).base_url(emulator.bot_base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose))
    citizen = SimulatedUser(emulator, 1001, "Fatma", "tr")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            await citizen.send("/start qr_konak")
            welcome = await citizen.wait_for(lambda m: m["text"].startswith("Hoş geldiniz"))
            assert welcome["text"] == "Hoş geldiniz (qr_konak)"
            await citizen.press("Alzheimer merkezi")
            edited = await citizen.wait_for(lambda m: m["edited"])
        finally:
            await app.updater.stop()
            await app.stop()
    assert edited["message_id"] == welcome["message_id"]
    assert edited["text"] == "Kayıt: register:alzheimer"
    assert edited["reply_markup"] is None
    [query] = await citizen.callback_queries()
    assert query["answered"] and query["answer"]["text"] == "Kaydınız alındı"


async def test_wait_for_explains_what_the_chat_shows(emulator: EmulatorClient) -> None:
    citizen = SimulatedUser(emulator, 1001, "Fatma")
    await citizen.send("/start")
    try:
        await citizen.wait_for(lambda m: True, timeout=0.2)
    except TimeoutError as error:
        assert "user 1001" in str(error) and "(none)" in str(error)
    else:
        raise AssertionError("wait_for returned although the bot never wrote")
