"""Media files: Telegram file ids and their copies in the storage channel."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import MediaKind, MediaPurpose
from domain.services.residents import StoredMedia
from storage.models import Media


class SqlMediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        owner_id: int,
        purpose: MediaPurpose,
        media: StoredMedia,
        *,
        request_id: int | None = None,
        comment_id: int | None = None,
    ) -> int:
        row = Media(
            owner_user_id=owner_id,
            purpose=purpose,
            kind=MediaKind(media.kind),
            file_id=media.file_id,
            file_unique_id=media.file_unique_id,
            storage_chat_id=media.storage_chat_id,
            storage_message_id=media.storage_message_id,
            mime=media.mime,
            size=media.size,
            request_id=request_id,
            comment_id=comment_id,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def add_verification_document(self, owner_id: int, media: StoredMedia) -> int:
        return await self.add(owner_id, MediaPurpose.VERIFICATION, media)
