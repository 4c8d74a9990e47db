"""🔑 API clients (admins: ⚙️ Settings, or ``/apiclients``): the integrations allowed to call the REST API.
Listed with their scopes, created (a name, then the scopes; the secret is shown once)
and revoked (its tokens stop working at once).

Thin handlers over ``domain.services.api_clients``.
"""

from __future__ import annotations

from typing import Any, Protocol

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import Actor
from domain.errors import NotAllowed, ValidationFailed
from domain.services import api_clients as uc
from domain.services.api_clients import ApiClient, ApiScope
from fsm.api_clients import ApiClientInput, ApiClientsCb
from handlers.admin.settings_views import A_HOME, SettingsCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions
from handlers.common.screens import show_screen
from handlers.filters import Magic, TypedText


class ApiClientsServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


router = Router(name="admin-api-clients")
router.message.filter(Magic(F.chat.type == "private"))

SCOPES = tuple(ApiScope)
_NAME = "api_client_name"
_CHOSEN = "api_client_scopes"


async def _actor(services: ApiClientsServices, user_id: int) -> Actor:
    actor = await services.actor(user_id)
    if actor is None or not actor.is_admin:
        raise NotAllowed(uc.ERROR_ADMINS_ONLY)
    return actor


def _scope_label(t: BoundTranslator, scope: ApiScope) -> str:
    return t(f"api-scope-{scope.value.replace(':', '-')}")


def render_clients(t: BoundTranslator, clients: list[ApiClient]) -> str:
    lines = [t("api-clients-title"), "", t("api-clients-hint")]
    if not clients:
        lines += ["", t("api-clients-empty")]
    for client in clients:
        lines.append("")
        lines.append(
            t(
                "api-clients-line",
                id=client.id,
                name=client.name,
                scopes=", ".join(_scope_label(t, s) for s in SCOPES if s in client.scopes),
                buildings=len(client.building_ids),
                state=t("api-clients-revoked" if client.revoked_at else "api-clients-active"),
            )
        )
    return "\n".join(lines)


def clients_keyboard(t: BoundTranslator, clients: list[ApiClient]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    active = [c for c in clients if c.active][:40]
    for client in active:
        builder.button(
            text=t("api-clients-btn-revoke", id=client.id),
            callback_data=ApiClientsCb(action="revoke", client=client.id),
        )
    builder.button(text=t("api-clients-btn-new"), callback_data=ApiClientsCb(action="new"))
    builder.button(text=t("settings-btn-back"), callback_data=SettingsCb(action=A_HOME))
    builder.adjust(*([2] * (len(active) // 2)), *([1] * (len(active) % 2)), 1, 1)
    return builder.as_markup()


async def _list_screen(
    services: ApiClientsServices, t: BoundTranslator, actor: Actor
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        clients = await uc.list_clients(uow, actor)
    return render_clients(t, clients), clients_keyboard(t, clients)


def _scopes_screen(
    t: BoundTranslator, name: str, chosen: set[str]
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for index, scope in enumerate(SCOPES):
        mark = "☑️" if scope.value in chosen else "⬜"
        builder.button(
            text=f"{mark} {_scope_label(t, scope)}",
            callback_data=ApiClientsCb(action="scope", scope=index),
        )
    builder.button(text=t("api-clients-btn-create"), callback_data=ApiClientsCb(action="create"))
    builder.button(text=t("api-clients-btn-cancel"), callback_data=ApiClientsCb(action="list"))
    builder.adjust(1)
    return t("api-clients-ask-scopes", name=name), builder.as_markup()


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() == ApiClientInput.name.state:
        await state.set_state(None)


@router.message(Command("apiclients"))
async def on_command(
    message: Message, state: FSMContext, t: BoundTranslator, services: ApiClientsServices
) -> None:
    assert message.from_user is not None
    actor = await _actor(services, message.from_user.id)
    await _leave_own_state(state)
    text, markup = await _list_screen(services, t, actor)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ApiClientsCb.filter(F.action == "list"))
async def on_list(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: ApiClientsServices
) -> None:
    actor = await _actor(services, query.from_user.id)
    await _leave_own_state(state)
    await state.update_data({_NAME: None, _CHOSEN: None})
    await show_screen(query, *await _list_screen(services, t, actor))


@router.callback_query(ApiClientsCb.filter(F.action == "new"))
async def on_new(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: ApiClientsServices
) -> None:
    await _actor(services, query.from_user.id)
    await state.set_state(ApiClientInput.name)
    builder = InlineKeyboardBuilder()
    builder.button(text=t("api-clients-btn-cancel"), callback_data=ApiClientsCb(action="list"))
    await show_screen(query, t("api-clients-ask-name"), builder.as_markup())


@router.message(StateFilter(ApiClientInput.name), TypedText())
async def on_name(
    message: Message, state: FSMContext, t: BoundTranslator, services: ApiClientsServices
) -> None:
    assert message.from_user is not None and message.text is not None
    await _actor(services, message.from_user.id)
    name = uc.clean_name(message.text)  # a refused name keeps the prompt open
    chosen = [ApiScope.REQUESTS_READ.value]
    await state.set_state(None)
    await state.update_data({_NAME: name, _CHOSEN: chosen})
    text, markup = _scopes_screen(t, name, set(chosen))
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(ApiClientInput.name), Magic(~F.text))
async def on_not_a_name(message: Message, t: BoundTranslator) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("api-clients-btn-cancel"), callback_data=ApiClientsCb(action="list"))
    await message.answer(t("api-clients-ask-name"), reply_markup=builder.as_markup())


async def _draft(state: FSMContext) -> tuple[str, list[str]]:
    data: dict[str, Any] = await state.get_data()
    name, chosen = data.get(_NAME), data.get(_CHOSEN)
    if not isinstance(name, str) or not isinstance(chosen, list):
        raise ValidationFailed("callback-outdated")
    return name, [str(s) for s in chosen]


@router.callback_query(ApiClientsCb.filter(F.action == "scope"))
async def on_scope(
    query: CallbackQuery,
    callback_data: ApiClientsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ApiClientsServices,
) -> None:
    await _actor(services, query.from_user.id)
    name, chosen = await _draft(state)
    if callback_data.scope >= len(SCOPES):
        raise ValidationFailed("callback-outdated")
    scope = SCOPES[callback_data.scope].value
    picked = set(chosen) ^ {scope}
    await state.update_data({_CHOSEN: sorted(picked)})
    await show_screen(query, *_scopes_screen(t, name, picked))


@router.callback_query(ApiClientsCb.filter(F.action == "create"))
async def on_create(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: ApiClientsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await _actor(services, query.from_user.id)
    name, chosen = await _draft(state)
    async with services.uow() as uow:
        new = await uc.create_client(uow, actor, name, chosen, services.clock.now())
    await state.update_data({_NAME: None, _CHOSEN: None})
    callback_answer.text = t("api-clients-created-short", id=new.client.id)
    builder = InlineKeyboardBuilder()
    builder.button(text=t("api-clients-btn-list"), callback_data=ApiClientsCb(action="list"))
    text = t(
        "api-clients-created",
        id=new.client.id,
        name=new.client.name,
        secret=new.secret,
        scopes=" ".join(sorted(new.client.scopes)),
    )
    await show_screen(query, text, builder.as_markup())


@router.callback_query(ApiClientsCb.filter(F.action == "revoke"))
async def on_revoke(
    query: CallbackQuery,
    callback_data: ApiClientsCb,
    t: BoundTranslator,
    services: ApiClientsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await _actor(services, query.from_user.id)
    async with services.uow() as uow:
        client = await uc.revoke_client(uow, actor, callback_data.client, services.clock.now())
    callback_answer.text = t("api-clients-revoked-short", id=client.id, name=client.name)
    await show_screen(query, *await _list_screen(services, t, actor))
