"""Reading files out of messages, with the limits users are told about."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.media_store import TelegramMediaStore
from domain.enums import MediaKind
from domain.errors import ValidationFailed
from domain.services.residents import StoredMedia

MAX_FILE_MB = 20  # what the Bot API lets a bot download
ALLOWED_DOCUMENT_PREFIXES = ("image/", "video/", "application/pdf")


def media_of(message: Message) -> StoredMedia | None:
    """The file of a photo/video/document/voice message; None for anything else.

    Raises ``ValidationFailed`` for a file that is too large or of a type we don't keep.
    """
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return _checked(
            MediaKind.PHOTO, photo.file_id, photo.file_unique_id, "image/jpeg", photo.file_size
        )
    if message.video:
        v = message.video
        return _checked(MediaKind.VIDEO, v.file_id, v.file_unique_id, v.mime_type, v.file_size)
    if message.voice:
        voice = message.voice
        return _checked(
            MediaKind.VOICE, voice.file_id, voice.file_unique_id, voice.mime_type, voice.file_size
        )
    if message.document:
        d = message.document
        if not (d.mime_type or "").startswith(ALLOWED_DOCUMENT_PREFIXES):
            raise ValidationFailed("error-file-type")
        return _checked(MediaKind.DOCUMENT, d.file_id, d.file_unique_id, d.mime_type, d.file_size)
    return None


def _checked(
    kind: MediaKind, file_id: str, unique_id: str, mime: str | None, size: int | None
) -> StoredMedia:
    if size is not None and size > MAX_FILE_MB * 1024 * 1024:
        raise ValidationFailed("error-file-too-large", max=MAX_FILE_MB)
    return StoredMedia(kind=kind, file_id=file_id, file_unique_id=unique_id, mime=mime, size=size)


async def add_file_to_draft(
    message: Message, state: FSMContext, media_store: TelegramMediaStore, limit: int
) -> bool | None:
    """Keeps the message's file in the storage channel and in the conversation's ``files``.

    Returns None when ``limit`` files are already there (nothing kept), True when the
    sender should be told (a single file, or the first part of an album), False for the
    later parts of an album — so an album gets one acknowledgement, not ten.
    """
    data = await state.get_data()
    files: list[dict[str, Any]] = list(data.get("files") or [])
    if len(files) >= limit:
        return None
    media = media_of(message)
    assert media is not None  # the caller's filter lets only files through
    kept = await media_store.keep(
        media, from_chat_id=message.chat.id, message_id=message.message_id
    )
    files.append(asdict(kept))
    group = message.media_group_id
    await state.update_data(files=files, group=group)
    return group is None or group != data.get("group")


async def album_already_answered(message: Message, state: FSMContext) -> bool:
    """True for the 2nd, 3rd... part of an album whose first part was already answered
    with a hint: an album of ten gets one hint, not ten."""
    group = message.media_group_id
    if group is None:
        return False
    if (await state.get_data()).get("hinted_album") == group:
        return True
    await state.update_data(hinted_album=group)
    return False
