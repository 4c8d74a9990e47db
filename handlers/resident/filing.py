"""Resident: filing a request (the wizard)."""

from __future__ import annotations

from aiogram import F, Router

router = Router(name="filing")
router.message.filter(F.chat.type == "private")
