"""Outbox rows: written in the caller's transaction, claimed by delivery workers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import OutboxState
from domain.services.notifications import Notification
from storage.models import Outbox


def notification_row(note: Notification) -> dict[str, object]:
    return {
        "chat_id": note.chat_id,
        "user_id": note.user_id,
        "template": note.template,
        "params": note.params,
        "buttons": [[b.to_json() for b in row] for row in note.buttons] or None,
        "media": [m.to_json() for m in note.media] or None,
        "edit_of": {"message_id": note.edit_of_message_id} if note.edit_of_message_id else None,
        "dedupe_key": note.dedupe_key,
    }


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *notes: Notification) -> None:
        await self.add_many(notes)

    async def add_many(self, notes: Iterable[Notification]) -> None:
        rows = [notification_row(n) for n in notes]
        if not rows:
            return
        # A dedupe key makes re-enqueueing the same notification harmless.
        await self.session.execute(insert(Outbox).values(rows).on_conflict_do_nothing())

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Outbox]:
        """Lock due rows for this worker; other workers skip them (no double send)."""
        stmt = (
            select(Outbox)
            .where(Outbox.state == OutboxState.PENDING, Outbox.next_attempt_at <= now)
            .order_by(Outbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.scalars(stmt)).all()
