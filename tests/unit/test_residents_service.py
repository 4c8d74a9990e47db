"""Onboarding onto an apartment and its verification, against in-memory fakes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.access import Actor
from domain.enums import MediaKind, ResidencyKind, Role, VerificationState
from domain.errors import NotAllowed, NotFound, ValidationFailed
from domain.services.residents import (
    ApartmentInfo,
    BuildingInfo,
    ResidencyLink,
    StoredMedia,
    approve_residency,
    attach_document,
    check_apartment,
    clean_apartment_number,
    clean_name,
    normalize_phone,
    register_residency,
    reject_residency,
    request_document,
)
from tests.unit.factories import FakeOutbox

BUILDING = 10
RESIDENT = 501
MANAGER = 701


class FakeDirectory:
    def __init__(self) -> None:
        self.apartments = {
            "12": ApartmentInfo(1012, BUILDING, "12"),
            "12А": ApartmentInfo(1013, BUILDING, "12А"),
        }
        self.managers = [MANAGER]

    async def count_buildings(self) -> int:
        return 1

    async def list_buildings(self, offset: int, limit: int) -> list[BuildingInfo]:
        return [BuildingInfo(BUILDING, "Navoi 5")][offset : offset + limit]

    async def search_buildings(self, text: str, limit: int) -> list[BuildingInfo]:
        return []

    async def nearest_buildings(self, lat: float, lon: float, limit: int) -> list[BuildingInfo]:
        return []

    async def get_building(self, building_id: int) -> BuildingInfo | None:
        return BuildingInfo(BUILDING, "Navoi 5") if building_id == BUILDING else None

    async def find_apartment(self, building_id: int, number: str) -> ApartmentInfo | None:
        found = {k.lower(): v for k, v in self.apartments.items()}.get(number.lower())
        return found if building_id == BUILDING else None

    async def managers_of(self, building_id: int) -> list[int]:
        return self.managers


class FakeResidents:
    def __init__(self) -> None:
        self.links: dict[int, ResidencyLink] = {}
        self.contacts: dict[int, tuple[str, str]] = {}
        self.documents: dict[int, int] = {}

    async def links_of(self, user_id: int) -> list[ResidencyLink]:
        return [link for link in self.links.values() if link.user_id == user_id]

    async def get_link(self, link_id: int) -> ResidencyLink | None:
        return self.links.get(link_id)

    async def add_link(self, user_id: int, apartment_id: int, kind: ResidencyKind) -> int:
        link_id = len(self.links) + 1
        number = "12" if apartment_id == 1012 else "12А"
        self.links[link_id] = ResidencyLink(
            link_id,
            user_id,
            apartment_id,
            BUILDING,
            "Navoi 5",
            number,
            kind,
            VerificationState.PENDING,
        )
        return link_id

    async def set_verification(
        self,
        link_id: int,
        state: VerificationState,
        *,
        by: int | None,
        reason: str | None = None,
        document_media_id: int | None = None,
    ) -> None:
        self.links[link_id] = replace(
            self.links[link_id], verification=state, rejection_reason=reason
        )
        if document_media_id is not None:
            self.documents[link_id] = document_media_id

    async def save_contact(self, user_id: int, phone: str, full_name: str) -> None:
        self.contacts[user_id] = (phone, full_name)


class FakeAudit:
    def __init__(self) -> None:
        self.actions: list[str] = []

    async def record(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: str,
        data: dict[str, object],
    ) -> None:
        self.actions.append(action)


class FakeMedia:
    async def add_verification_document(self, owner_id: int, media: StoredMedia) -> int:
        return 77


class FakeUow:
    def __init__(self) -> None:
        self.directory = FakeDirectory()
        self.residents = FakeResidents()
        self.outbox = FakeOutbox()
        self.audit = FakeAudit()
        self.media = FakeMedia()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


MANAGER_ACTOR = Actor(
    user_id=MANAGER, roles=frozenset({Role.MANAGER}), managed_building_ids=frozenset({BUILDING})
)
OTHER_MANAGER = Actor(
    user_id=702, roles=frozenset({Role.MANAGER}), managed_building_ids=frozenset({99})
)


async def _registered(uow: FakeUow) -> ResidencyLink:
    return await register_residency(
        uow,
        user_id=RESIDENT,
        phone="+998 (90) 123-45-67",
        full_name="  Dilnoza   Karimova ",
        building_id=BUILDING,
        apartment_number="№12",
        kind=ResidencyKind.OWNER,
    )


async def test_register_links_pending_and_sends_verification_cards() -> None:
    uow = FakeUow()
    link = await _registered(uow)
    assert link.verification is VerificationState.PENDING and link.is_open
    assert uow.residents.contacts[RESIDENT] == ("+998901234567", "Dilnoza Karimova")
    (card,) = uow.outbox.notes
    assert card.template == "verify-card" and card.chat_id == MANAGER
    assert [b.callback_data for row in card.buttons for b in row] == [
        f"verif:approve:{link.id}",
        f"verif:reject:{link.id}",
        f"verif:doc:{link.id}",
    ]
    assert uow.audit.actions == ["residency.requested"] and uow.commits == 1
    with pytest.raises(ValidationFailed) as again:
        await _registered(uow)
    assert again.value.key == "error-apartment-already-linked"


async def test_unknown_or_malformed_apartment_is_refused() -> None:
    directory = FakeDirectory()
    assert (await check_apartment(directory, BUILDING, "12а")).id == 1013  # case-insensitive
    with pytest.raises(NotFound) as missing:
        await check_apartment(directory, BUILDING, "999")
    assert missing.value.params == {"number": "999"}
    for bad in ("", "abc", "1" * 17):
        with pytest.raises(ValidationFailed):
            clean_apartment_number(bad)


@pytest.mark.parametrize("raw", ["123", "+1 (2) 3", "9" * 16])
def test_phone_validation(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["A", "12345", "x" * 101])
def test_name_validation(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        clean_name(raw)


async def test_manager_of_the_building_approves_once() -> None:
    uow = FakeUow()
    link = await _registered(uow)
    with pytest.raises(NotAllowed):
        await approve_residency(uow, OTHER_MANAGER, link.id)
    await approve_residency(uow, MANAGER_ACTOR, link.id)
    assert uow.residents.links[link.id].verification is VerificationState.APPROVED
    assert uow.outbox.notes[-1].template == "residency-approved"
    with pytest.raises(ValidationFailed) as decided:
        await reject_residency(uow, MANAGER_ACTOR, link.id, "late")
    assert decided.value.key == "error-verification-decided"


async def test_reject_needs_a_reason_and_tells_the_resident() -> None:
    uow = FakeUow()
    link = await _registered(uow)
    with pytest.raises(ValidationFailed):
        await reject_residency(uow, MANAGER_ACTOR, link.id, "   ")
    await reject_residency(uow, MANAGER_ACTOR, link.id, "Not  on the list")
    assert uow.residents.links[link.id].rejection_reason == "Not on the list"
    assert uow.outbox.notes[-1].params["reason"] == "Not on the list"


async def test_document_round_trip() -> None:
    uow = FakeUow()
    link = await _registered(uow)
    photo = StoredMedia(MediaKind.PHOTO, "file-1", "uniq-1")
    with pytest.raises(ValidationFailed):  # nobody asked for a document yet
        await attach_document(uow, RESIDENT, link.id, photo)
    await request_document(uow, MANAGER_ACTOR, link.id)
    assert uow.outbox.notes[-1].buttons[0][0].callback_data == f"resdoc:{link.id}"
    with pytest.raises(NotAllowed):  # someone else's verification
        await attach_document(uow, RESIDENT + 1, link.id, photo)
    await attach_document(uow, RESIDENT, link.id, photo)
    assert uow.residents.links[link.id].verification is VerificationState.PENDING
    assert uow.residents.documents[link.id] == 77
    card = uow.outbox.notes[-1]
    assert card.template == "verify-document" and card.media[0].file_id == "file-1"
    await approve_residency(uow, MANAGER_ACTOR, link.id)
    assert uow.residents.links[link.id].verification is VerificationState.APPROVED
