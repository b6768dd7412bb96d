"""The bot's Telegram username for the links commands print: asked from Telegram (getMe) when
a token is set, so a link never names a bot that does not exist or is another one; else the
KENTBOT_BOT_USERNAME setting."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.config import ConfigError, Settings

MISSING = "the links need the bot's username: set TELEGRAM_BOT_TOKEN (it is read from Telegram), or KENTBOT_BOT_USERNAME"


def plain(username: str) -> str:
    return username.strip().lstrip("@")


async def resolve(settings: Settings, given: str | None) -> str:
    """The username to put in links; ConfigError (one line) when none is known, Telegram cannot
    be asked, or `given` (--bot-username) is not the bot the token belongs to."""
    if not settings.telegram_bot_token:
        username = plain(given or settings.bot_username or "")
        if not username:
            raise ConfigError(MISSING)
        return username
    actual = await _ask_telegram(settings, settings.telegram_bot_token)
    for name, value in (("--bot-username", given), ("KENTBOT_BOT_USERNAME", settings.bot_username)):
        if value and plain(value).casefold() != actual.casefold():
            raise ConfigError(
                f"{name} is @{plain(value)}, but TELEGRAM_BOT_TOKEN belongs to @{actual}: "
                f"leave {name} out, or use the other bot's token"
            )
    return actual


async def _ask_telegram(settings: Settings, token: str) -> str:
    root = settings.telegram_api_base_url
    try:
        async with Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot") as bot:
            me = await bot.get_me()
    except InvalidToken:
        raise ConfigError(f"Telegram ({root}) does not accept TELEGRAM_BOT_TOKEN: check it with @BotFather") from None
    except TelegramError as error:
        # The error's text may hold the request URL, and with it the token: name its kind only.
        raise ConfigError(
            f"cannot ask Telegram ({root}) for the bot's username ({type(error).__name__}); "
            "try again, or unset TELEGRAM_BOT_TOKEN and set KENTBOT_BOT_USERNAME"
        ) from None
    if not me.username:
        raise ConfigError(f"Telegram ({root}) gave no username for this bot")
    return me.username
