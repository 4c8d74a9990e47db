"""Staff onboarding and People screens: conversation states and button data.

Button data carries ids and canonical keys only (Telegram allows 64 bytes);
every handler re-checks on the server that the presser may do it.

FSM data of the invite wizard: ``{"invite": {"role": "executor",
"specializations": ["plumber"], "buildings": [1, 2]}}``. Accepting an invite
keeps ``{"invite_code": "inv-…"}`` while a newcomer chooses the language.
The People list keeps the last search in ``{"people_query": "…"}``.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from domain.enums import Role, Specialization
from fsm.callbacks import Count, Id


class InviteCreation(StatesGroup):
    specializations = State()
    buildings = State()
    expiry = State()


class InviteAcceptance(StatesGroup):
    language = State()  # data: invite_code


class PeopleSearch(StatesGroup):
    query = State()


# --------------------------------------------------------------------------- invites


class InviteRoleCb(CallbackData, prefix="invr"):
    """Starts (or restarts) the wizard with this role."""

    role: Role


class InviteSpecCb(CallbackData, prefix="invs"):
    specialization: Specialization


class InviteBuildingCb(CallbackData, prefix="invb"):
    building_id: Id
    page: Count


class InvitePageCb(CallbackData, prefix="invp"):
    page: Count


class InviteTtlCb(CallbackData, prefix="invt"):
    hours: Count


class InviteNavCb(CallbackData, prefix="invn"):
    action: str  # next | cancel


# --------------------------------------------------------------------------- people


class PeopleCb(CallbackData, prefix="ppl"):
    """The list: ``page`` | ``search`` (ask for text) | ``all`` (drop the search) | ``invite``."""

    action: str
    page: Count = 0


class PersonCb(CallbackData, prefix="psn"):
    """A person's card and its screens.

    Actions: open, roles, specs, buildings, off (asks to confirm), off_ok, on.
    ``page``: the list page to return to (or the buildings page).
    """

    action: str
    user_id: Id
    page: Count = 0


class PersonRoleCb(CallbackData, prefix="prol"):
    user_id: Id
    role: Role


class PersonSpecCb(CallbackData, prefix="pspc"):
    user_id: Id
    specialization: Specialization


class PersonBuildingCb(CallbackData, prefix="pbld"):
    user_id: Id
    building_id: Id
    page: Count
