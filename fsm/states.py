"""StatesGroups of every multi-step conversation."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    phone = State()
    name = State()
    building = State()
    apartment = State()
    kind = State()


class ResidencyDocument(StatesGroup):
    photo = State()


class VerificationReject(StatesGroup):
    reason = State()
