"""Application settings: environment variables with the ``UKBOT_`` prefix (and ``.env``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.enums import Language


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="UKBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    bot_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"
    database_url: SecretStr | None = None
    # Connections kept open per process: at least the updates handled at once at peak. A
    # connection beyond the pool (overflow) is closed when returned, and a new one costs a
    # server process, a handshake and re-preparing every statement.
    database_pool_size: int = Field(default=20, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    redis_url: SecretStr | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    staff_chat_id: int | None = None
    storage_channel_id: int | None = None
    default_language: Language = Language.RU
    timezone: str = "Asia/Tashkent"
    log_format: Literal["json", "console"] = "console"
    log_level: str = "INFO"
    data_dir: Path = Path("var")
    auto_migrate: bool = True
    fsm_state_ttl_days: int = 30
    throttle_rate_per_second: float = 3.0
    throttle_burst: int = 10
    outbox_global_rate: float = 25.0
    # Messages/s of announcements sent with Telegram's paid broadcast (admin setting).
    outbox_paid_broadcast_rate: float = 900.0
    outbox_private_chat_interval: float = 1.0
    outbox_group_per_minute: int = 20
    outbox_poll_interval: float = 0.5
    sweep_interval: float = 15.0
    # Processes handling updates under one long poll (bot.workers); above 1 needs Redis.
    workers: int = Field(default=1, ge=1)
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # REST API (bot.api): tokens are HS256 JWTs signed with this secret; every instance of
    # one installation needs the same one. Empty: a random secret per process (tokens
    # then work only against the process that issued them; the log warns).
    api_jwt_secret: SecretStr | None = None
    api_jwt_issuer: str = "ukbot"
    api_jwt_audience: str = "ukbot-api"
    api_token_ttl: int = Field(default=900, ge=30, le=900)  # seconds; at most 15 minutes
    api_rate_per_minute: float = Field(default=600.0, gt=0)  # per API client and process
    api_rate_burst: int = Field(default=60, ge=1)
    geocoder_url: str = ""
    geocoder_user_agent: str = "ukbot/0.1 (housing management request desk)"
    geocoder_min_interval: float = 1.0
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout: float = Field(default=3.0, gt=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("database_url", "redis_url", "webhook_secret", "api_jwt_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value
