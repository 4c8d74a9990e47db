"""Loads who is writing (profile, roles, language) and binds the translator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User

from bot.i18n import Translator
from domain.enums import Language
from domain.services.users import UserProfile
from storage.log_context import bind_log_context


class ProfileSource(Protocol):
    async def get_profile(self, user_id: int) -> UserProfile | None: ...


def telegram_language(user: User | None, default: str) -> str:
    code = (user.language_code or "")[:2] if user else ""
    return code if code in Language.__members__.values() else default


class UserMiddleware(BaseMiddleware):
    def __init__(self, profiles: ProfileSource, translator: Translator) -> None:
        self.profiles = profiles
        self.translator = translator

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        if tg_user is not None:
            bind_log_context(user_id=tg_user.id)
        profile = (
            await self.profiles.get_profile(tg_user.id) if tg_user and not tg_user.is_bot else None
        )
        lang = (
            profile.language
            if profile and profile.language
            else telegram_language(tg_user, self.translator.default)
        )
        if tg_user is not None:
            languages = getattr(data.get("services"), "languages", None)
            if languages is not None:  # for answers while Postgres or Redis is down
                languages.remember(tg_user.id, lang)
        t = self.translator.bind(lang)
        data["profile"] = profile
        data["t"] = t
        if profile is not None and not profile.is_active:
            await _tell_deactivated(event, t("user-deactivated"))
            return UNHANDLED
        return await handler(event, data)


async def _tell_deactivated(event: TelegramObject, text: str) -> None:
    inner = event.event if isinstance(event, Update) else event
    if isinstance(inner, CallbackQuery):
        await inner.answer(text, show_alert=True)
    elif isinstance(inner, Message) and inner.chat.type == "private":
        await inner.answer(text)
