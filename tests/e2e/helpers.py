"""Building blocks for end-to-end tests: directory, staff, and common journeys."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Language, Role, Specialization
from sandbox.client import EmulatorClient, UserClient
from storage.directory_import import import_directory_text
from storage.models import ExecutorSpecialization, ManagerBuilding, User, UserRole

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
