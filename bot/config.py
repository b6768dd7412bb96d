"""Settings from the environment and an optional `.env`, validated once at start-up.

A wrong value must stop the process with one line naming the variable, so the IT team
never has to read a traceback to find a typo.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.consent import notice
from storage.private_files import private_folder

log = logging.getLogger(__name__)

LANGUAGES = ("tr", "en", "ar")
SECRET_FILE = "kentbot.secret"
# A generated key file holds 32 random bytes, written as 64 hex digits.
SECRET_BYTES = 32


class ConfigError(Exception):
    """A configuration value is wrong; the message names the variable."""


class Settings(BaseSettings):
    """Everything kentbot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_BASE_URL")
    data_dir: Path = Field(default=Path("data"), alias="KENTBOT_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    secret: str | None = Field(default=None, alias="KENTBOT_SECRET")
    timezone: str = Field(default="Europe/Istanbul", alias="KENTBOT_TIMEZONE")
    default_language: Literal["tr", "en", "ar"] = Field(default="tr", alias="KENTBOT_DEFAULT_LANGUAGE")
    # Direct replies; Telegram allows about 30 messages a second overall. 0 lifts the cap.
    reply_rate: int = Field(default=30, ge=0, le=10_000, alias="KENTBOT_REPLY_RATE")
    webhook_listen: str = Field(default="0.0.0.0", alias="KENTBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="KENTBOT_WEBHOOK_PORT")
    webhook_url: str | None = Field(default=None, alias="KENTBOT_WEBHOOK_URL")
    webhook_secret: str | None = Field(default=None, alias="KENTBOT_WEBHOOK_SECRET")
    # Webhook mode serves the public pages (`kentbot web`'s) beside the webhook when true.
    public_pages: bool = Field(default=False, alias="KENTBOT_PUBLIC_PAGES")
    # Where people reach the pages (e.g. https://kentbot.izmir.bel.tr): the base of the web panel's
    # sign-in links the bot sends; unset, /panel says the panel is not set up.
    public_url: str | None = Field(default=None, alias="KENTBOT_PUBLIC_URL")
    # /healthz and /metrics in polling mode (webhook mode serves them beside the webhook); unset: not served.
    health_listen: str = Field(default="127.0.0.1", alias="KENTBOT_HEALTH_LISTEN")
    health_port: int | None = Field(default=None, ge=1, le=65535, alias="KENTBOT_HEALTH_PORT")
    # Outbox sends per second for the whole bot: one worker at a time holds the drain lease.
    rate_global: float = Field(default=25.0, gt=0, le=1000, alias="KENTBOT_RATE_GLOBAL")
    rate_per_chat: float = Field(default=1.0, gt=0, le=30, alias="KENTBOT_RATE_PER_CHAT")
    outbox_drain: bool = Field(default=True, alias="KENTBOT_OUTBOX_DRAIN")
    retention_days: int = Field(default=30, ge=1, le=3650, alias="KENTBOT_RETENTION_DAYS")
    bot_username: str | None = Field(default=None, alias="KENTBOT_BOT_USERNAME")
    # The controller's KVKK information notice (bot/consent/notice.py); `kentbot run` refuses to
    # start without it, everything else (tests, the demo's own settings) falls back to a sample.
    kvkk_notice: Path | None = Field(default=None, alias="KENTBOT_KVKK_NOTICE")
    # The surveys in use are read from this folder (surveys.definition.surveys_dir); checked here
    # so a mistyped folder is refused by every command instead of meaning "no surveys".
    surveys_dir: Path | None = Field(default=None, alias="KENTBOT_SURVEYS_DIR")

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
            raise ValueError("must be an http:// or https:// address with a host and no query, such as https://kentbot.example.org")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://", "sqlite://", "postgresql://")):
            raise ValueError("must be sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB")
        return normalise_database_url(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and (not 1 <= len(value) <= 256 or not all(c.isalnum() or c in "_-" for c in value)):
            raise ValueError("must be 1-256 characters of letters, digits, _ or -")
        return value

    @field_validator("surveys_dir")
    @classmethod
    def _surveys_dir(cls, value: Path | None) -> Path | None:
        if value is None or not str(value).strip():
            return None
        if not value.is_dir():
            raise ValueError(f"the folder {value} does not exist" if not value.exists() else f"{value} is not a folder")
        return value

    @field_validator("kvkk_notice")
    @classmethod
    def _kvkk_notice(cls, value: Path | None) -> Path | None:
        if value is None or str(value) == "":
            return None
        try:
            notice.load(value.resolve())
        except notice.NoticeError as error:
            raise ValueError(str(error)) from None
        return value.resolve()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        """The configured database, or an SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'kentbot.sqlite3').resolve()}"

    def resolved_notice(self) -> notice.Notice:
        """The controller's notice, or the sample shipped for tests and the demo."""
        return notice.load(self.kvkk_notice or notice.SAMPLE)

    def require_notice(self) -> None:
        """For serving citizens: the controller's own notice must be configured (and complete,
        which loading already checked), never the sample."""
        if self.kvkk_notice is None:
            raise ConfigError(
                "KENTBOT_KVKK_NOTICE is not set: name the controller's KVKK information notice (Article 10) "
                f"file; for a trial use the sample {notice.SAMPLE}, for citizens copy it and fill in the "
                "controller's own values (see README.md, Configuration, and docs/privacy.md)"
            )

    def resolved_secret(self) -> bytes:
        """The pseudonym key; generated once into the data folder when not configured."""
        if self.secret:
            return self.secret.encode()
        path = self.data_dir / SECRET_FILE
        if not path.exists():
            private_folder(self.data_dir)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(SECRET_BYTES))
            log.warning("KENTBOT_SECRET is not set: generated a new key in %s; back it up with the database", path)
        return read_secret_file(path)


def read_secret_file(path: Path) -> bytes:
    """The key in `path`, refused (ConfigError naming the file) when others may read it or it
    is too short to be a key: an empty or cut file would make pseudonyms anyone can compute."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path}: other users may read the key file (mode {mode:04o}); run chmod 600 {path}")
    key = path.read_text(encoding="utf-8", errors="replace").strip()
    size = len(_key_material(key))
    if size < SECRET_BYTES:
        found = "is empty" if not key else f"holds {size} bytes of key"
        raise ConfigError(
            f"{path}: the key file {found}, at least {SECRET_BYTES} are needed; restore it from the backup "
            "(delete it only on a new installation: a new key cannot match existing pseudonyms)"
        )
    return key.encode()


def _key_material(key: str) -> bytes:
    """What a key is worth: 64 hex digits are 32 bytes, other text counts by its bytes."""
    try:
        return bytes.fromhex(key)
    except ValueError:
        return key.encode()


def normalise_database_url(url: str) -> str:
    """Accept plain sqlite:// and postgresql:// URLs and pick the async drivers for them."""
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://"):]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://"):]
    return url


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning pydantic's report into one line per wrong variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "configuration"
            field = Settings.model_fields.get(name)
            variable = field.alias if field is not None and field.alias else name
            # pydantic prefixes what a validator raised; the operator needs the reason alone.
            lines.append(f"{variable}: {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("; ".join(lines)) from None
