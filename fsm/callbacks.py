"""CallbackData factories: ids only (Telegram allows 64 bytes); handlers re-check access."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from domain.enums import Language


class LanguageCb(CallbackData, prefix="lang"):
    code: Language
