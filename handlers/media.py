"""Reading files out of messages, with the limits users are told about."""

from __future__ import annotations

from aiogram.types import Message

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
