"""Resident: my requests, the request card, closing the loop."""

from __future__ import annotations

from aiogram import F, Router

router = Router(name="tracking")
router.message.filter(F.chat.type == "private")
