"""People (managers and admins): invite links, search, the person card and its editors.

Thin handlers: load the actor, call one use case of ``domain.services.staff``,
render. Button data carries ids only; every use case re-checks that the
presser may do it (a forged button is refused and changes nothing). Presses
are answered by ``CallbackAnswerMiddleware``; a refused action becomes an
alert through ``DomainErrorMiddleware``.

Who may change what is decided in the domain (see ``domain.services.staff``):
roles and building scopes are the admin's; managers edit the specializations
of executors of their buildings and deactivate / reactivate the executors and
residents of their buildings (never a manager, an admin or themselves).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import CommandsMenu
from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from bot.services import ProfileCache
from bot.settings import Settings
from domain.access import Actor
from domain.enums import Role, Specialization
from domain.errors import NotAllowed
from domain.services.residents import BuildingInfo
from domain.services.staff import (
    INVITE_TTL_HOURS,
    STAFF_ROLES,
    BuildingChoices,
    CreatedInvite,
    InviteDraft,
    PeoplePage,
    PersonSummary,
    PersonView,
    check_invite_building,
    check_invite_buildings,
    check_invite_specializations,
    clean_query,
    create_invite,
    invite_building_choices,
    invite_roles_for,
    invite_steps,
    open_person_screen,
    person_building_choices,
    search_people,
    set_person_active,
    sorted_specializations,
    start_invite,
    toggle_building,
    toggle_role,
    toggle_specialization,
)
from fsm.invites import OpenInvitesCb
from fsm.staff import (
    InviteBuildingCb,
    InviteCreation,
    InviteNavCb,
    InvitePageCb,
    InviteRoleCb,
    InviteSpecCb,
    InviteTtlCb,
    PeopleCb,
    PeopleSearch,
    PersonBuildingCb,
    PersonCb,
    PersonRoleCb,
    PersonSpecCb,
)
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting
from handlers.filters import Magic, MenuButton, TypedText
from handlers.manager.invites import offer_hand_back


class PeopleServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def commands(self) -> CommandsMenu: ...
    @property
    def profiles(self) -> ProfileCache: ...
    @property
    def settings(self) -> Settings: ...


log = logging.getLogger(__name__)
router = Router(name="people")
router.message.filter(Magic(F.chat.type == "private"))

CHECKED = "✅ "
UNCHECKED = "▫️ "


# --------------------------------------------------------------------------- helpers


async def _show(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edits the pressed message (a press that changes nothing is not an error)."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


def _esc(text: str | None) -> str:
    """User-written text as it is (messages are plain text: nothing is read as markup)."""
    return text or ""


def _roles_text(t: BoundTranslator, roles: frozenset[Role]) -> str:
    shown = [role for role in (*STAFF_ROLES, Role.RESIDENT) if role in roles]
    return ", ".join(t(f"role-{role}") for role in shown) or t("role-resident")


def _specs_text(t: BoundTranslator, specs: frozenset[Specialization]) -> str:
    names = [t(f"specialization-{s}") for s in sorted_specializations(specs)]
    return ", ".join(names) or t("staff-none")


def _buildings_text(
    t: BoundTranslator, buildings: tuple[BuildingInfo, ...], *, none_key: str = "staff-none"
) -> str:
    return "; ".join(_esc(b.address) for b in buildings) or t(none_key)


async def _refresh_menu(bot: Bot | None, services: PeopleServices, user_id: int) -> None:
    """The person's cached profile is dropped and their command menu follows their roles
    (none while deactivated)."""
    services.profiles.forget(user_id)
    profile = await services.profiles.get_profile(user_id)
    if bot is None or profile is None:
        return
    if not profile.is_active:
        profile = replace(profile, roles=frozenset())
    try:
        await services.commands.refresh_for(bot, profile)
    except TelegramAPIError as error:  # e.g. a person who never opened the bot
        log.warning("command menu not refreshed", extra={"user_id": user_id, "error": str(error)})


def _nav(builder: InlineKeyboardBuilder, t: BoundTranslator, prev: Any, next_: Any) -> None:
    nav = InlineKeyboardBuilder()
    if prev is not None:
        nav.button(text=t("staff-prev"), callback_data=prev)
    if next_ is not None:
        nav.button(text=t("staff-next"), callback_data=next_)
    builder.attach(nav)


# --------------------------------------------------------------------------- the list


def _person_button(t: BoundTranslator, item: PersonSummary) -> str:
    return t(
        "staff-people-item",
        mark="" if item.is_active else "⛔ ",
        name=item.name[:40],
        roles=_roles_text(t, item.roles),
    )


def _people_text(t: BoundTranslator, page: PeoplePage) -> str:
    if not page.total:
        text = t("staff-people-empty")
    else:
        text = t("staff-people-title", total=page.total, page=page.page + 1, pages=page.pages)
    if page.query:
        text += "\n" + t("staff-people-query", query=_esc(page.query))
    return text + "\n\n" + t("staff-people-hint")


def _people_keyboard(t: BoundTranslator, page: PeoplePage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=_person_button(t, item),
            callback_data=PersonCb(action="open", user_id=item.id, page=page.page),
        )
    builder.adjust(1)
    _nav(
        builder,
        t,
        PeopleCb(action="page", page=page.page - 1) if page.page > 0 else None,
        PeopleCb(action="page", page=page.page + 1) if page.page + 1 < page.pages else None,
    )
    tools = InlineKeyboardBuilder()
    tools.button(text=t("staff-btn-search"), callback_data=PeopleCb(action="search"))
    if page.query:
        tools.button(text=t("staff-btn-all"), callback_data=PeopleCb(action="all"))
    tools.button(text=t("staff-btn-invite"), callback_data=PeopleCb(action="invite"))
    tools.button(text=t("staff-btn-invites"), callback_data=OpenInvitesCb(action="list"))
    builder.attach(tools)
    return builder.as_markup()


async def _people_page(
    services: PeopleServices, user_id: int, query: str | None, page: int
) -> PeoplePage:
    actor = await acting(services, user_id)
    async with services.reader() as uow:
        return await search_people(uow, actor, query, page)


@router.message(Command("people"))
@router.message(MenuButton("menu-people"))
async def on_people(
    message: Message,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
    command: CommandObject | None = None,
) -> None:
    assert message.from_user is not None
    query = clean_query(command.args if command else None)
    if await state.get_state() == PeopleSearch.query.state:
        await state.set_state(None)
    await state.update_data(people_query=query)
    page = await _people_page(services, message.from_user.id, query, 0)
    await message.answer(_people_text(t, page), reply_markup=_people_keyboard(t, page))


@router.callback_query(PeopleCb.filter(F.action.in_({"page", "all"})))
async def on_people_page(
    query: CallbackQuery,
    callback_data: PeopleCb,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
) -> None:
    if callback_data.action == "all":
        await state.update_data(people_query="")
    text = "" if callback_data.action == "all" else (await state.get_data()).get("people_query")
    page = await _people_page(services, query.from_user.id, text, callback_data.page)
    await _show(query, _people_text(t, page), _people_keyboard(t, page))


@router.callback_query(PeopleCb.filter(F.action == "search"))
async def on_people_search(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: PeopleServices
) -> None:
    await acting(services, query.from_user.id)
    await state.set_state(PeopleSearch.query)
    if isinstance(query.message, Message):
        await query.message.answer(t("staff-search-ask"))


@router.message(
    StateFilter(PeopleSearch.query),
    TypedText(),
)
async def on_people_query(
    message: Message, state: FSMContext, t: BoundTranslator, services: PeopleServices
) -> None:
    assert message.from_user is not None
    query = clean_query(message.text)
    await state.set_state(None)
    await state.update_data(people_query=query)
    page = await _people_page(services, message.from_user.id, query, 0)
    await message.answer(_people_text(t, page), reply_markup=_people_keyboard(t, page))


@router.message(StateFilter(PeopleSearch.query), Magic(~F.text))
async def on_people_query_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("staff-search-hint"))


# --------------------------------------------------------------------------- the card


def _card_text(t: BoundTranslator, view: PersonView) -> str:
    card = view.card
    return t(
        "staff-card",
        name=_esc(card.display_name),
        username=f"@{_esc(card.username)}" if card.username else t("staff-none"),
        phone=_esc(card.phone) or t("staff-none"),
        roles=_roles_text(t, card.roles),
        specializations=_specs_text(t, card.specializations),
        buildings=_buildings_text(t, card.buildings),
        status=t(f"staff-status-{card.status}"),
    )


def _card_keyboard(t: BoundTranslator, view: PersonView, page: int) -> InlineKeyboardMarkup:
    user_id = view.card.id
    builder = InlineKeyboardBuilder()
    if view.can_edit_roles:
        builder.button(
            text=t("staff-btn-roles"), callback_data=PersonCb(action="roles", user_id=user_id)
        )
    if view.can_edit_specializations:
        builder.button(
            text=t("staff-btn-specializations"),
            callback_data=PersonCb(action="specs", user_id=user_id),
        )
    if view.can_edit_buildings:
        builder.button(
            text=t("staff-btn-buildings"),
            callback_data=PersonCb(action="buildings", user_id=user_id),
        )
    if view.can_change_status:
        if view.card.is_active:
            builder.button(
                text=t("staff-btn-deactivate"),
                callback_data=PersonCb(action="off", user_id=user_id, page=page),
            )
        else:
            builder.button(
                text=t("staff-btn-reactivate"),
                callback_data=PersonCb(action="on", user_id=user_id, page=page),
            )
    builder.button(text=t("staff-btn-list"), callback_data=PeopleCb(action="page", page=page))
    builder.adjust(2)
    return builder.as_markup()


async def _render_card(
    query: CallbackQuery, t: BoundTranslator, view: PersonView, page: int
) -> None:
    await _show(query, _card_text(t, view), _card_keyboard(t, view, page))


@router.callback_query(PersonCb.filter(F.action == "open"))
async def on_person(
    query: CallbackQuery, callback_data: PersonCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        view = await open_person_screen(uow, actor, callback_data.user_id, "card")
    await _render_card(query, t, view, callback_data.page)


def _back_to_card(t: BoundTranslator, builder: InlineKeyboardBuilder, user_id: int) -> None:
    back = InlineKeyboardBuilder()
    back.button(text=t("staff-btn-card"), callback_data=PersonCb(action="open", user_id=user_id))
    builder.attach(back)


# --- roles (admins) ------------------------------------------------------------


def _roles_screen(t: BoundTranslator, view: PersonView) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for role in STAFF_ROLES:
        mark = CHECKED if role in view.card.roles else UNCHECKED
        builder.button(
            text=mark + t(f"role-{role}"),
            callback_data=PersonRoleCb(user_id=view.card.id, role=role),
        )
    builder.adjust(1)
    _back_to_card(t, builder, view.card.id)
    return t("staff-roles-title", name=_esc(view.card.display_name)), builder.as_markup()


@router.callback_query(PersonCb.filter(F.action == "roles"))
async def on_roles(
    query: CallbackQuery, callback_data: PersonCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        view = await open_person_screen(uow, actor, callback_data.user_id, "roles")
    await _show(query, *_roles_screen(t, view))


@router.callback_query(PersonRoleCb.filter())
async def on_role_toggle(
    query: CallbackQuery,
    callback_data: PersonRoleCb,
    t: BoundTranslator,
    services: PeopleServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        change = await toggle_role(uow, actor, callback_data.user_id, callback_data.role)
    await _refresh_menu(query.bot, services, callback_data.user_id)
    key = "staff-role-granted" if change.granted else "staff-role-revoked"
    callback_answer.text = t(key, role=t(f"role-{change.role}"))
    await _show(query, *_roles_screen(t, change.view))


# --- specializations -------------------------------------------------------------


def _specs_screen(t: BoundTranslator, view: PersonView) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for spec in Specialization:
        mark = CHECKED if spec in view.card.specializations else UNCHECKED
        builder.button(
            text=mark + t(f"specialization-{spec}"),
            callback_data=PersonSpecCb(user_id=view.card.id, specialization=spec),
        )
    builder.adjust(2)
    _back_to_card(t, builder, view.card.id)
    return t("staff-specs-title", name=_esc(view.card.display_name)), builder.as_markup()


@router.callback_query(PersonCb.filter(F.action == "specs"))
async def on_specs(
    query: CallbackQuery, callback_data: PersonCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        view = await open_person_screen(uow, actor, callback_data.user_id, "specializations")
    await _show(query, *_specs_screen(t, view))


@router.callback_query(PersonSpecCb.filter())
async def on_spec_toggle(
    query: CallbackQuery, callback_data: PersonSpecCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        view = await toggle_specialization(
            uow, actor, callback_data.user_id, callback_data.specialization
        )
    services.profiles.forget(callback_data.user_id)
    await _show(query, *_specs_screen(t, view))


# --- buildings (admins) ------------------------------------------------------------


def _buildings_screen(
    t: BoundTranslator, view: PersonView, choices: BuildingChoices
) -> tuple[str, InlineKeyboardMarkup]:
    user_id = view.card.id
    builder = InlineKeyboardBuilder()
    for building in choices.items:
        mark = CHECKED if building.id in view.card.building_ids else UNCHECKED
        builder.button(
            text=mark + building.address[:50],
            callback_data=PersonBuildingCb(
                user_id=user_id, building_id=building.id, page=choices.page
            ),
        )
    builder.adjust(1)
    page = choices.page
    _nav(
        builder,
        t,
        PersonCb(action="buildings", user_id=user_id, page=page - 1) if page > 0 else None,
        PersonCb(action="buildings", user_id=user_id, page=page + 1)
        if page + 1 < choices.pages
        else None,
    )
    _back_to_card(t, builder, user_id)
    text = t(
        "staff-buildings-title",
        name=_esc(view.card.display_name),
        page=page + 1,
        pages=choices.pages,
    )
    return text, builder.as_markup()


@router.callback_query(PersonCb.filter(F.action == "buildings"))
async def on_buildings(
    query: CallbackQuery, callback_data: PersonCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        view, choices = await person_building_choices(
            uow, actor, callback_data.user_id, callback_data.page
        )
    await _show(query, *_buildings_screen(t, view, choices))


@router.callback_query(PersonBuildingCb.filter())
async def on_building_toggle(
    query: CallbackQuery,
    callback_data: PersonBuildingCb,
    t: BoundTranslator,
    services: PeopleServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        await toggle_building(uow, actor, callback_data.user_id, callback_data.building_id)
    async with services.uow() as uow:
        view, choices = await person_building_choices(
            uow, actor, callback_data.user_id, callback_data.page
        )
    services.profiles.forget(callback_data.user_id)
    await _show(query, *_buildings_screen(t, view, choices))


# --- deactivate / reactivate ----------------------------------------------------------


@router.callback_query(PersonCb.filter(F.action == "off"))
async def on_deactivate_ask(
    query: CallbackQuery, callback_data: PersonCb, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        view = await open_person_screen(uow, actor, callback_data.user_id, "status")
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("staff-btn-deactivate-confirm"),
        callback_data=PersonCb(action="off_ok", user_id=view.card.id, page=callback_data.page),
    )
    builder.button(
        text=t("staff-btn-keep"),
        callback_data=PersonCb(action="open", user_id=view.card.id, page=callback_data.page),
    )
    builder.adjust(1)
    text = t("staff-deactivate-confirm", name=_esc(view.card.display_name))
    await _show(query, text, builder.as_markup())


@router.callback_query(PersonCb.filter(F.action.in_({"off_ok", "on"})))
async def on_status_change(
    query: CallbackQuery,
    callback_data: PersonCb,
    t: BoundTranslator,
    services: PeopleServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    active = callback_data.action == "on"
    async with services.uow() as uow:
        view = await set_person_active(uow, actor, callback_data.user_id, active)
    await _refresh_menu(query.bot, services, callback_data.user_id)
    name = _esc(view.card.display_name)
    callback_answer.text = t("staff-reactivated" if active else "staff-deactivated", name=name)
    await _render_card(query, t, view, callback_data.page)
    if not active:
        assert query.bot is not None
        await offer_hand_back(
            query.bot, services, t, actor, callback_data.user_id, callback_data.page
        )


# --------------------------------------------------------------------------- invites


def _draft(data: dict[str, Any]) -> InviteDraft:
    raw = data.get("invite")
    if not isinstance(raw, dict):
        raise NotAllowed("callback-outdated")
    return InviteDraft(
        role=Role(raw["role"]),
        specializations=frozenset(Specialization(s) for s in raw.get("specializations", ())),
        building_ids=frozenset(int(b) for b in raw.get("buildings", ())),
    )


async def _save_draft(state: FSMContext, draft: InviteDraft) -> None:
    await state.update_data(
        invite={
            "role": draft.role.value,
            "specializations": sorted(s.value for s in draft.specializations),
            "buildings": sorted(draft.building_ids),
        }
    )


def _roles_picker(t: BoundTranslator, actor: Actor) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in invite_roles_for(actor):
        builder.button(text=t(f"staff-invite-role-{role}"), callback_data=InviteRoleCb(role=role))
    builder.button(text=t("staff-btn-cancel"), callback_data=InviteNavCb(action="cancel"))
    builder.adjust(1)
    return builder.as_markup()


async def _send_invite_roles(message: Message, t: BoundTranslator, actor: Actor) -> None:
    if not invite_roles_for(actor):
        raise NotAllowed()
    await message.answer(t("staff-invite-ask-role"), reply_markup=_roles_picker(t, actor))


@router.message(Command("invite"))
async def on_invite_command(message: Message, t: BoundTranslator, services: PeopleServices) -> None:
    assert message.from_user is not None
    actor = await acting(services, message.from_user.id)
    await _send_invite_roles(message, t, actor)


@router.callback_query(PeopleCb.filter(F.action == "invite"))
async def on_invite_button(
    query: CallbackQuery, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    if isinstance(query.message, Message):
        await _send_invite_roles(query.message, t, actor)


def _specs_picker(t: BoundTranslator, draft: InviteDraft) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for spec in Specialization:
        mark = CHECKED if spec in draft.specializations else UNCHECKED
        builder.button(
            text=mark + t(f"specialization-{spec}"), callback_data=InviteSpecCb(specialization=spec)
        )
    builder.adjust(2)
    _wizard_nav(t, builder)
    return t("staff-invite-ask-specializations"), builder.as_markup()


def _wizard_nav(t: BoundTranslator, builder: InlineKeyboardBuilder) -> None:
    nav = InlineKeyboardBuilder()
    nav.button(text=t("staff-btn-cancel"), callback_data=InviteNavCb(action="cancel"))
    nav.button(text=t("staff-btn-next"), callback_data=InviteNavCb(action="next"))
    builder.attach(nav)


def _buildings_picker(
    t: BoundTranslator, draft: InviteDraft, actor: Actor, choices: BuildingChoices
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for building in choices.items:
        mark = CHECKED if building.id in draft.building_ids else UNCHECKED
        builder.button(
            text=mark + building.address[:50],
            callback_data=InviteBuildingCb(building_id=building.id, page=choices.page),
        )
    builder.adjust(1)
    page = choices.page
    _nav(
        builder,
        t,
        InvitePageCb(page=page - 1) if page > 0 else None,
        InvitePageCb(page=page + 1) if page + 1 < choices.pages else None,
    )
    _wizard_nav(t, builder)
    optional = draft.role is Role.EXECUTOR and actor.is_admin
    key = "staff-invite-ask-buildings-optional" if optional else "staff-invite-ask-buildings"
    text = t(key, selected=len(draft.building_ids), page=page + 1, pages=choices.pages)
    return text, builder.as_markup()


def _expiry_picker(t: BoundTranslator) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for hours in INVITE_TTL_HOURS:
        builder.button(
            text=t("staff-invite-ttl", days=hours // 24), callback_data=InviteTtlCb(hours=hours)
        )
    builder.button(text=t("staff-btn-cancel"), callback_data=InviteNavCb(action="cancel"))
    builder.adjust(len(INVITE_TTL_HOURS), 1)
    return t("staff-invite-ask-expiry"), builder.as_markup()


async def _show_buildings_step(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
    actor: Actor,
    draft: InviteDraft,
    page: int,
) -> None:
    async with services.reader() as uow:
        choices = await invite_building_choices(uow, actor, draft.building_ids, page)
    await state.set_state(InviteCreation.buildings)
    await _show(query, *_buildings_picker(t, draft, actor, choices))


async def _show_step_after(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
    actor: Actor,
    draft: InviteDraft,
    done: str | None,
) -> None:
    """The step following ``done`` (None: the first step after the role)."""
    steps = invite_steps(draft.role)
    remaining = steps[steps.index(done) + 1 :] if done in steps else steps
    if "specializations" in remaining:
        await state.set_state(InviteCreation.specializations)
        await _show(query, *_specs_picker(t, draft))
    elif "buildings" in remaining:
        await _show_buildings_step(query, state, t, services, actor, draft, 0)
    else:
        await state.set_state(InviteCreation.expiry)
        await _show(query, *_expiry_picker(t))


@router.callback_query(InviteRoleCb.filter())
async def on_invite_role(
    query: CallbackQuery,
    callback_data: InviteRoleCb,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = start_invite(actor, callback_data.role)
    await _save_draft(state, draft)
    await _show_step_after(query, state, t, services, actor, draft, None)


@router.callback_query(StateFilter(InviteCreation.specializations), InviteSpecCb.filter())
async def on_invite_spec(
    query: CallbackQuery,
    callback_data: InviteSpecCb,
    state: FSMContext,
    t: BoundTranslator,
) -> None:
    draft = _draft(await state.get_data())
    specs = draft.specializations ^ {callback_data.specialization}
    draft = replace(draft, specializations=specs)
    await _save_draft(state, draft)
    await _show(query, *_specs_picker(t, draft))


@router.callback_query(
    StateFilter(InviteCreation.specializations), InviteNavCb.filter(F.action == "next")
)
async def on_invite_specs_done(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = _draft(await state.get_data())
    check_invite_specializations(draft)
    await _show_step_after(query, state, t, services, actor, draft, "specializations")


@router.callback_query(StateFilter(InviteCreation.buildings), InviteBuildingCb.filter())
async def on_invite_building(
    query: CallbackQuery,
    callback_data: InviteBuildingCb,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = _draft(await state.get_data())
    async with services.reader() as uow:
        await check_invite_building(uow, actor, callback_data.building_id)
    draft = replace(draft, building_ids=draft.building_ids ^ {callback_data.building_id})
    await _save_draft(state, draft)
    await _show_buildings_step(query, state, t, services, actor, draft, callback_data.page)


@router.callback_query(StateFilter(InviteCreation.buildings), InvitePageCb.filter())
async def on_invite_buildings_page(
    query: CallbackQuery,
    callback_data: InvitePageCb,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = _draft(await state.get_data())
    await _show_buildings_step(query, state, t, services, actor, draft, callback_data.page)


@router.callback_query(
    StateFilter(InviteCreation.buildings), InviteNavCb.filter(F.action == "next")
)
async def on_invite_buildings_done(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: PeopleServices
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = _draft(await state.get_data())
    check_invite_buildings(actor, draft)
    await _show_step_after(query, state, t, services, actor, draft, "buildings")


def _invite_text(t: BoundTranslator, created: CreatedInvite, link: str, tz: ZoneInfo) -> str:
    invite = created.invite
    lines = [t("staff-invite-created", role=t(f"role-{invite.role}"))]
    if invite.role is Role.EXECUTOR:
        lines.append(
            t(
                "staff-invite-specializations",
                specializations=_specs_text(t, invite.specializations),
            )
        )
    if invite.role is not Role.ADMIN:
        buildings = _buildings_text(t, created.buildings, none_key="staff-all-buildings")
        lines.append(t("staff-invite-buildings", buildings=buildings))
    expires = invite.expires_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    lines.append(t("staff-invite-expires", expires=expires))
    lines.append("")
    lines.append(t("staff-invite-send", link=link))
    return "\n".join(lines)


@router.callback_query(StateFilter(InviteCreation.expiry), InviteTtlCb.filter())
async def on_invite_expiry(
    query: CallbackQuery,
    callback_data: InviteTtlCb,
    state: FSMContext,
    t: BoundTranslator,
    services: PeopleServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    draft = _draft(await state.get_data())
    async with services.uow() as uow:
        created = await create_invite(uow, actor, draft, callback_data.hours, services.clock.now())
    await state.set_state(None)
    await state.update_data(invite=None)
    assert query.bot is not None
    me = await query.bot.me()
    link = f"https://t.me/{me.username}?start={created.invite.code}"
    callback_answer.text = t("staff-invite-created-short")
    await _show(query, _invite_text(t, created, link, ZoneInfo(services.settings.timezone)))


@router.callback_query(InviteNavCb.filter(F.action == "cancel"))
async def on_invite_cancel(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    if await state.get_state() in {s.state for s in InviteCreation.__states__}:
        await state.set_state(None)
    await state.update_data(invite=None)
    await _show(query, t("staff-invite-cancelled"))
