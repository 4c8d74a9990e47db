"""Building blocks for end-to-end tests: directory, staff, and common journeys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Language, ResidencyKind, Role, Specialization, VerificationState
from sandbox.client import EmulatorClient, UserClient
from storage.directory_import import import_directory_text
from storage.models import (
    Apartment,
    Building,
    ExecutorSpecialization,
    ManagerBuilding,
    ResidentApartment,
    User,
    UserRole,
)
from storage.repositories.settings import SqlSettingsRepository

if TYPE_CHECKING:
    from tests.e2e.conftest import Desk

NAVOI = "Tashkent, Navoi street 5"
TEMUR = "Tashkent, Amir Temur avenue 1"
LANGUAGE_BUTTONS = {"ru": "Русский", "uz": "O'zbekcha", "en": "English"}


def directory_csv(extra_buildings: int = 10) -> str:
    """Navoi 5 with 300 apartments (the big case), Amir Temur 1, and filler buildings."""
    lines = ["organisation,building_address,district,lat,lon,entrance,apartment,floor"]
    for number in range(1, 301):
        entrance = (number - 1) // 60 + 1
        floor = ((number - 1) % 60) // 4 + 1
        lines.append(f'Demo UK,"{NAVOI}",Shayxontohur,41.3201,69.2501,{entrance},{number},{floor}')
    for number in range(1, 41):
        lines.append(
            f'Demo UK,"{TEMUR}",Yunusobod,41.3111,69.2797,1,{number},{(number - 1) // 4 + 1}'
        )
    for index in range(extra_buildings):
        lines.append(f'Demo UK,"Chilonzor, block {index + 1}, house 7",Chilonzor,,,,,')
    return "\n".join(lines) + "\n"


async def seed_directory(session_factory: async_sessionmaker[AsyncSession]) -> None:
    await import_directory_text(session_factory, directory_csv())


async def building_id(session_factory: async_sessionmaker[AsyncSession], address: str) -> int:
    from sqlalchemy import select

    from storage.models import Building

    async with session_factory() as session:
        found = await session.scalar(select(Building.id).where(Building.address == address))
    assert found is not None, address
    return found


async def make_staff(
    session_factory: async_sessionmaker[AsyncSession],
    user: UserClient,
    roles: Iterable[Role],
    *,
    buildings: Iterable[int] = (),
    specializations: Iterable[Specialization] = (),
    language: Language = Language.EN,
    on_duty: bool = False,
) -> None:
    async with session_factory() as session, session.begin():
        await session.execute(
            insert(User)
            .values(id=user.id, first_name=user.first_name, language=language, on_duty=on_duty)
            .on_conflict_do_nothing()
        )
        for role in roles:
            await session.execute(
                insert(UserRole).values(user_id=user.id, role=role).on_conflict_do_nothing()
            )
        for building in buildings:
            await session.execute(
                insert(ManagerBuilding)
                .values(user_id=user.id, building_id=building)
                .on_conflict_do_nothing()
            )
        for spec in specializations:
            await session.execute(
                insert(ExecutorSpecialization)
                .values(user_id=user.id, specialization=spec)
                .on_conflict_do_nothing()
            )


async def choose_language(user: UserClient, lang: str = "en") -> None:
    await user.send_command("start")
    await user.expect("Choose your language")
    await user.press(LANGUAGE_BUTTONS[lang])


async def onboard(
    emu: EmulatorClient,
    user: UserClient,
    *,
    apartment: str = "12",
    lang: str = "en",
    search: str = "navoi",
) -> None:
    """The directory path of onboarding, up to "sent for verification"."""
    await choose_language(user, lang)
    await user.expect("share your phone" if lang == "en" else None)
    await user.press_reply(await _first_reply_button(user))
    await user.expect("How should")
    await user.send_text("Dilnoza Karimova")
    await user.expect("Find your building")
    await user.send_text(search)
    await user.expect("matching your search")
    await user.press(NAVOI)
    await user.expect("apartment number")
    await user.send_text(apartment)
    await user.expect("owner or a tenant")
    await user.press("Owner")
    await user.expect("sent to the manager for verification")


async def _first_reply_button(user: UserClient) -> str:
    keyboard = await user.reply_keyboard()
    assert keyboard, "a reply keyboard was expected"
    return keyboard[0][0]


# --------------------------------------------------------------------------- residents, filing


async def apartment_id(
    session_factory: async_sessionmaker[AsyncSession], number: str, address: str = NAVOI
) -> int:
    async with session_factory() as session:
        found = await session.scalar(
            select(Apartment.id)
            .join(Building, Building.id == Apartment.building_id)
            .where(Building.address == address, Apartment.number == number)
        )
    assert found is not None, (address, number)
    return found


async def link_apartment(
    session_factory: async_sessionmaker[AsyncSession],
    user_id: int,
    apartment: str,
    *,
    address: str = NAVOI,
    verification: VerificationState = VerificationState.APPROVED,
) -> None:
    """Links an existing user to one more apartment, straight in the database."""
    apartment_pk = await apartment_id(session_factory, apartment, address)
    async with session_factory() as session, session.begin():
        await session.execute(
            insert(ResidentApartment)
            .values(
                user_id=user_id,
                apartment_id=apartment_pk,
                kind=ResidencyKind.OWNER,
                verification=verification,
            )
            .on_conflict_do_nothing()
        )


async def verified_resident(
    desk: Desk,
    name: str = "Dilnoza",
    *,
    apartment: str = "12",
    address: str = NAVOI,
    lang: str = "en",
    verification: VerificationState = VerificationState.APPROVED,
    phone: str = "+998901234567",
) -> UserClient:
    """A resident linked to an apartment (verified by default) without walking onboarding:
    the rows are written to the database, then /start shows the main menu.
    The directory must be seeded (``seed_directory``)."""
    from tests.e2e.conftest import new_user

    factory = desk.runtime.services.session_factory
    user = await new_user(desk, name, language_code=lang)
    async with factory() as session, session.begin():
        await session.execute(
            insert(User).values(
                id=user.id,
                first_name=name,
                full_name=f"{name} Karimova",
                phone=phone,
                language=Language(lang),
            )
        )
    await link_apartment(factory, user.id, apartment, address=address, verification=verification)
    desk.runtime.services.profiles.forget(user.id)
    await user.send_command("start")
    await user.expect(lambda m: m.reply_keyboard is not None)
    return user


async def save_desk_setting(desk: Desk, key: str, value: Any) -> None:
    async with desk.runtime.services.session_factory() as session, session.begin():
        await SqlSettingsRepository(session).save(key, value, by=None)
    desk.runtime.services.profiles.clear()  # who may do what can depend on a setting


FILED = re.compile(r"Request №(\d{6}-\d{3,}) is filed")


async def file_request(
    desk: Desk,
    resident: UserClient,
    *,
    category: str = "Plumbing",
    description: str = "Water is leaking under the kitchen sink.",
    photos: int = 1,
    urgency: str = "Normal",
) -> str:
    """Walks the filing wizard (English UI) for the resident's own apartment and returns
    the request number. A duplicate offer is answered with "file anyway"."""
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press(category)
    await resident.expect("Where is the problem")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")
    await resident.send_text(description)
    await resident.expect("Add photos")
    if photos == 1:
        await resident.send_photo()
    elif photos > 1:
        await resident.send_album(photos)
    if photos:
        await resident.expect(f"Files attached: {photos} of")
        await resident.press("Done")
    else:
        await resident.press("Skip")
    await resident.expect("How urgent")
    await resident.press(urgency)
    await resident.expect("How can the specialist get in")
    await resident.press("Any time")
    await resident.expect("When is a visit convenient")
    await resident.press("Any time")
    await resident.expect("Please check your request")
    await resident.press("Confirm")
    reply = await resident.expect(lambda m: bool(FILED.search(m.content)) or "similar" in m.content)
    if not FILED.search(reply.content):
        await resident.press("File my request anyway")
        reply = await resident.expect(FILED)
    match = FILED.search(reply.content)
    assert match is not None
    return match.group(1)
