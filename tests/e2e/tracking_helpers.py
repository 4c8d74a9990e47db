"""Requests for the tracking tests, created straight through storage and the domain.

Filing has its own wizard and tests; these helpers only need a filed request,
so they do what the filing use case stores (a numbered request row and its
``create`` history entry) without the conversation, and drive later steps
through ``perform_action`` as the staff's screens will.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Unpack

from aiogram.types import BufferedInputFile
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from domain.access import Actor
from domain.enums import (
    Action,
    Category,
    Language,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    ResidencyKind,
    Role,
    Specialization,
    Urgency,
    VerificationState,
)
from domain.lifecycle import Transition, create_request
from domain.schedule import SlaClocks
from domain.services.deadlines import reschedule
from domain.services.requests import ActionFields, perform_action
from domain.services.residents import StoredMedia
from sandbox.client import UserClient
from sandbox.emulator.files import sample_bytes
from storage.models import (
    Apartment,
    Building,
    Entrance,
    Organisation,
    Request,
    RequestWatcher,
    ResidentApartment,
    User,
)
from storage.numbering import allocate_request_number
from storage.repositories.requests import insert_history
from storage.repositories.schedule import SqlScheduleRepository
from storage.repositories.users import load_person
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff

ADDRESS = "Tashkent, Navoi street 5"
APARTMENTS = ("12", "13", "14", "15")


@dataclass
class Home:
    building_id: int
    apartments: dict[str, int]  # number -> id


@dataclass
class Cast:
    """A building with a manager and an on-duty plumber."""

    home: Home
    manager: UserClient
    executor: UserClient


async def make_home(desk: Desk) -> Home:
    async with desk.runtime.services.session_factory() as session, session.begin():
        organisation = Organisation(name="Demo UK")
        session.add(organisation)
        await session.flush()
        building = Building(organisation_id=organisation.id, address=ADDRESS, lat=41.32, lon=69.25)
        session.add(building)
        await session.flush()
        entrance = Entrance(building_id=building.id, number="1")
        session.add(entrance)
        await session.flush()
        apartments = {}
        for number in APARTMENTS:
            apartment = Apartment(building_id=building.id, entrance_id=entrance.id, number=number)
            session.add(apartment)
            await session.flush()
            apartments[number] = apartment.id
    return Home(building.id, apartments)


async def make_cast(desk: Desk, language: Language = Language.EN) -> Cast:
    """The staff speak ``language``."""
    home = await make_home(desk)
    factory = desk.runtime.services.session_factory
    manager = await new_user(desk, "Malika", language_code=language.value, started=True)
    await make_staff(
        factory, manager, [Role.MANAGER], buildings=[home.building_id], language=language
    )
    executor = await new_user(desk, "Bobur", language_code=language.value, started=True)
    await make_staff(
        factory,
        executor,
        [Role.EXECUTOR],
        specializations=[Specialization.PLUMBER],
        on_duty=True,
        language=language,
    )
    return Cast(home, manager, executor)


async def make_resident(
    desk: Desk,
    home: Home,
    name: str,
    *,
    apartment: str = "12",
    language: Language = Language.EN,
) -> UserClient:
    """A user verified on an apartment (as after onboarding and a manager's approval)."""
    user = await new_user(desk, name, language_code=language.value, started=True)
    async with desk.runtime.services.session_factory() as session, session.begin():
        await session.execute(
            insert(User).values(
                id=user.id,
                first_name=name,
                full_name=f"{name} Karimova",
                phone="+998901234567",
                language=language,
            )
        )
        session.add(
            ResidentApartment(
                user_id=user.id,
                apartment_id=home.apartments[apartment],
                kind=ResidencyKind.OWNER,
                verification=VerificationState.APPROVED,
            )
        )
    return user


async def insert_request(
    desk: Desk,
    author: UserClient,
    home: Home,
    *,
    apartment: str | None = "12",
    place: PlaceKind = PlaceKind.APARTMENT,
    category: Category = Category.PLUMBING,
    urgency: Urgency = Urgency.NORMAL,
    description: str = "Water is leaking under the kitchen sink",
    created_at: datetime | None = None,
) -> tuple[int, str]:
    """A filed ``new`` request (id, number) as the filing use case stores it."""
    services = desk.runtime.services
    now = created_at or services.clock.now()
    apartment_id = home.apartments[apartment] if apartment else None
    async with services.session_factory() as session, session.begin():
        person = await load_person(session, author.id)
        assert person is not None
        _, actor = person
        number = await allocate_request_number(session, now, services.settings.timezone)
        request_id = int(
            (
                await session.execute(
                    text("SELECT nextval(pg_get_serial_sequence('requests', 'id'))")
                )
            ).scalar_one()
        )
        creation = create_request(
            request_id=request_id,
            number=number,
            author_id=author.id,
            building_id=home.building_id,
            apartment_id=apartment_id,
            category=category,
            urgency=urgency,
            actor=actor,
            now=now,
        )
        session.add(
            Request(
                id=request_id,
                number=number,
                author_id=author.id,
                building_id=home.building_id,
                apartment_id=apartment_id,
                place_kind=place,
                category=category,
                urgency=urgency,
                description=description,
                created_at=now,
            )
        )
        await session.flush()
        await insert_history(session, creation.history)
        schedule = SqlScheduleRepository(session, services.tz)
        await reschedule(
            schedule, creation.state, now, clocks=SlaClocks.started(now), follow_up=None
        )
    return request_id, number


async def watch(desk: Desk, request_id: int, user: UserClient) -> None:
    async with desk.runtime.services.session_factory() as session, session.begin():
        session.add(RequestWatcher(request_id=request_id, user_id=user.id))


async def drive(
    desk: Desk,
    request_id: int,
    user: UserClient | None,
    action: Action,
    **fields: Unpack[ActionFields],
) -> Transition:
    """One lifecycle step through the write path, as the staff's screens (or the
    automation, ``user=None``) will do it."""
    services = desk.runtime.services
    actor = Actor.system() if user is None else await services.actor(user.id)
    assert actor is not None
    async with services.uow() as uow:
        transition = await perform_action(
            uow,
            actor,
            request_id,
            action,
            services.clock.now(),
            **fields,
        )
    return transition


async def keep_photo(desk: Desk) -> StoredMedia:
    """A photo the bot keeps in the storage channel (its file id is known to Telegram)."""
    sent = await desk.runtime.bot.send_photo(
        desk.storage_channel.id, BufferedInputFile(sample_bytes("photo"), "after.jpg")
    )
    assert sent.photo
    photo = sent.photo[-1]
    return StoredMedia(
        kind=MediaKind.PHOTO,
        file_id=photo.file_id,
        file_unique_id=photo.file_unique_id,
        storage_chat_id=desk.storage_channel.id,
        storage_message_id=sent.message_id,
    )


async def add_media(
    desk: Desk, request_id: int, owner: UserClient, purpose: MediaPurpose
) -> StoredMedia:
    media = await keep_photo(desk)
    async with desk.runtime.services.uow() as uow:
        await uow.media.add(owner.id, purpose, media, request_id=request_id)
        await uow.commit()
    return media


async def to_in_progress(desk: Desk, cast: Cast, request_id: int) -> None:
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await drive(desk, request_id, cast.executor, Action.ACCEPT)
    await drive(desk, request_id, cast.executor, Action.START)


async def to_completed(
    desk: Desk, cast: Cast, request_id: int, comment: str = "Replaced the siphon and the gasket"
) -> None:
    """Assign → accept → start → an "after" photo → complete."""
    await to_in_progress(desk, cast, request_id)
    await add_media(desk, request_id, cast.executor, MediaPurpose.COMPLETION)
    await drive(desk, request_id, cast.executor, Action.COMPLETE, comment=comment, media_count=1)


async def request_row(desk: Desk, request_id: int) -> Request:
    async with desk.runtime.services.session_factory() as session:
        row = await session.scalar(select(Request).where(Request.id == request_id))
    assert row is not None
    return row
