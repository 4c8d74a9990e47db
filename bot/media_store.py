"""Keeps users' files in the private storage channel so they outlive the user's chat."""

from __future__ import annotations

import logging
from dataclasses import replace

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from domain.services.residents import StoredMedia

log = logging.getLogger(__name__)


class TelegramMediaStore:
    def __init__(self, bot: Bot, channel_id: int | None) -> None:
        self.bot = bot
        self.channel_id = channel_id

    async def keep(self, media: StoredMedia, *, from_chat_id: int, message_id: int) -> StoredMedia:
        """Copies the message to the channel; without a channel (or on failure) the
        Telegram file id alone still references the file."""
        if self.channel_id is None:
            return media
        try:
            copied = await self.bot.copy_message(
                chat_id=self.channel_id, from_chat_id=from_chat_id, message_id=message_id
            )
        except TelegramAPIError as error:
            log.warning("media not copied to the storage channel", extra={"error": str(error)})
            return media
        return replace(media, storage_chat_id=self.channel_id, storage_message_id=copied.message_id)
