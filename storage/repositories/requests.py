"""Requests after filing: state for transitions, history, lists, comments, ratings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
