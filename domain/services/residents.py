"""Residents: onboarding onto an apartment and its verification by a manager."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from domain.access import Actor
from domain.enums import ResidencyKind, VerificationState
from domain.errors import NotAllowed, NotFound, ValidationFailed
from domain.services.notifications import Button, MediaRef, Notification, OutboxPort
from domain.services.users import AuditLog

MAX_NAME_LENGTH = 100
MAX_APARTMENT_LENGTH = 16
_PHONE_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class BuildingInfo:
    id: int
    address: str
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class ApartmentInfo:
    id: int
    building_id: int
    number: str
    entrance: str | None = None
    floor: int | None = None


@dataclass(frozen=True, slots=True)
class ResidencyLink:
    id: int
    user_id: int
    apartment_id: int
    building_id: int
    building_address: str
    apartment_number: str
    kind: ResidencyKind
    verification: VerificationState
    rejection_reason: str | None = None

    @property
    def is_open(self) -> bool:
        """Still waiting for a manager's decision."""
        return self.verification in (
            VerificationState.PENDING,
            VerificationState.DOCUMENT_REQUESTED,
        )


class DirectoryRepository(Protocol):
    async def count_buildings(self) -> int: ...
    async def list_buildings(self, offset: int, limit: int) -> list[BuildingInfo]: ...
    async def search_buildings(self, text: str, limit: int) -> list[BuildingInfo]: ...
    async def nearest_buildings(self, lat: float, lon: float, limit: int) -> list[BuildingInfo]: ...
    async def get_building(self, building_id: int) -> BuildingInfo | None: ...
    async def find_apartment(self, building_id: int, number: str) -> ApartmentInfo | None: ...
    async def managers_of(self, building_id: int) -> list[int]: ...


class ResidentRepository(Protocol):
    async def links_of(self, user_id: int) -> list[ResidencyLink]: ...
    async def get_link(self, link_id: int) -> ResidencyLink | None: ...
    async def add_link(self, user_id: int, apartment_id: int, kind: ResidencyKind) -> int: ...
    async def set_verification(
        self,
        link_id: int,
        state: VerificationState,
        *,
        by: int | None,
        reason: str | None = None,
        document_media_id: int | None = None,
    ) -> None: ...
    async def save_contact(self, user_id: int, phone: str, full_name: str) -> None: ...


class ResidentsUnitOfWork(Protocol):
    @property
    def directory(self) -> DirectoryRepository: ...
    @property
    def residents(self) -> ResidentRepository: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


def normalize_phone(raw: str) -> str:
    digits = _PHONE_DIGITS.sub("", raw)
    if not 7 <= len(digits) <= 15:
        raise ValidationFailed("error-phone-invalid")
    return "+" + digits


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if len(name) < 2 or len(name) > MAX_NAME_LENGTH or not any(ch.isalpha() for ch in name):
        raise ValidationFailed("error-name-invalid", max=MAX_NAME_LENGTH)
    return name


def clean_apartment_number(raw: str) -> str:
    number = raw.strip().lstrip("№#").strip()
    if not number or len(number) > MAX_APARTMENT_LENGTH or not number[0].isdigit():
        raise ValidationFailed("error-apartment-invalid")
    return number


async def register_residency(
    uow: ResidentsUnitOfWork,
    *,
    user_id: int,
    phone: str,
    full_name: str,
    building_id: int,
    apartment_number: str,
    kind: ResidencyKind,
) -> ResidencyLink:
    """Links the user to an apartment, pending a manager's verification."""
    apartment = await check_apartment(uow.directory, building_id, apartment_number)
    if any(link.apartment_id == apartment.id for link in await uow.residents.links_of(user_id)):
        raise ValidationFailed("error-apartment-already-linked", number=apartment.number)
    await uow.residents.save_contact(user_id, normalize_phone(phone), clean_name(full_name))
    link_id = await uow.residents.add_link(user_id, apartment.id, kind)
    link = await uow.residents.get_link(link_id)
    assert link is not None  # just written in this transaction
    await uow.outbox.add(*await _verification_cards(uow, link, full_name, phone))
    await uow.audit.record(
        user_id, "residency.requested", "residency", str(link_id), {"kind": kind}
    )
    await uow.commit()
    return link


def _verification_buttons(link_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button("verify-approve", callback_data=f"verif:approve:{link_id}"),
            Button("verify-reject", callback_data=f"verif:reject:{link_id}"),
        ),
        (Button("verify-ask-document", callback_data=f"verif:doc:{link_id}"),),
    )


async def _verification_cards(
    uow: ResidentsUnitOfWork, link: ResidencyLink, name: str, phone: str
) -> list[Notification]:
    params = {
        "name": name,
        "phone": phone,
        "address": link.building_address,
        "apartment": link.apartment_number,
        "kind": {"key": f"residency-{link.kind}"},
    }
    return [
        Notification(
            chat_id=manager_id,
            user_id=manager_id,
            template="verify-card",
            params=params,
            buttons=_verification_buttons(link.id),
            dedupe_key=f"verify-card:{link.id}:{manager_id}",
        )
        for manager_id in await uow.directory.managers_of(link.building_id)
    ]


async def open_verification(
    uow: ResidentsUnitOfWork, verifier: Actor, link_id: int
) -> ResidencyLink:
    link = await uow.residents.get_link(link_id)
    if link is None or not verifier.is_manager_of(link.building_id):
        raise NotAllowed("error-not-available")
    if not link.is_open:
        raise ValidationFailed("error-verification-decided")
    return link


async def approve_residency(
    uow: ResidentsUnitOfWork, verifier: Actor, link_id: int
) -> ResidencyLink:
    link = await open_verification(uow, verifier, link_id)
    await uow.residents.set_verification(link.id, VerificationState.APPROVED, by=verifier.user_id)
    await uow.outbox.add(
        Notification.to_user(
            link.user_id,
            "residency-approved",
            address=link.building_address,
            apartment=link.apartment_number,
        )
    )
    await uow.audit.record(verifier.user_id, "residency.approved", "residency", str(link.id), {})
    await uow.commit()
    return link


async def reject_residency(
    uow: ResidentsUnitOfWork, verifier: Actor, link_id: int, reason: str
) -> ResidencyLink:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("error-missing-field", field="reason")
    link = await open_verification(uow, verifier, link_id)
    await uow.residents.set_verification(
        link.id, VerificationState.REJECTED, by=verifier.user_id, reason=reason
    )
    await uow.outbox.add(
        Notification.to_user(
            link.user_id,
            "residency-rejected",
            address=link.building_address,
            apartment=link.apartment_number,
            reason=reason,
        )
    )
    await uow.audit.record(
        verifier.user_id, "residency.rejected", "residency", str(link.id), {"reason": reason}
    )
    await uow.commit()
    return link


async def request_document(
    uow: ResidentsUnitOfWork, verifier: Actor, link_id: int
) -> ResidencyLink:
    link = await open_verification(uow, verifier, link_id)
    await uow.residents.set_verification(
        link.id, VerificationState.DOCUMENT_REQUESTED, by=verifier.user_id
    )
    await uow.outbox.add(
        Notification(
            chat_id=link.user_id,
            user_id=link.user_id,
            template="residency-document-requested",
            params={"address": link.building_address, "apartment": link.apartment_number},
            buttons=((Button("residency-send-document", callback_data=f"resdoc:{link.id}"),),),
        )
    )
    await uow.audit.record(
        verifier.user_id, "residency.document_requested", "residency", str(link.id), {}
    )
    await uow.commit()
    return link


@dataclass(frozen=True, slots=True)
class StoredMedia:
    """A file as Telegram knows it, plus its copy in the storage channel when there is one."""

    kind: str  # MediaKind value
    file_id: str
    file_unique_id: str
    storage_chat_id: int | None = None
    storage_message_id: int | None = None
    mime: str | None = None
    size: int | None = None


class MediaRepository(Protocol):
    async def add_verification_document(self, owner_id: int, media: StoredMedia) -> int: ...


class DocumentUnitOfWork(ResidentsUnitOfWork, Protocol):
    @property
    def media(self) -> MediaRepository: ...


async def attach_document(
    uow: DocumentUnitOfWork, user_id: int, link_id: int, media: StoredMedia
) -> ResidencyLink:
    """The resident's document photo for a verification a manager asked about."""
    link = await uow.residents.get_link(link_id)
    if link is None or link.user_id != user_id:
        raise NotAllowed("error-not-available")
    if link.verification is not VerificationState.DOCUMENT_REQUESTED:
        raise ValidationFailed("error-verification-decided")
    media_id = await uow.media.add_verification_document(user_id, media)
    await uow.residents.set_verification(
        link.id, VerificationState.PENDING, by=None, document_media_id=media_id
    )
    await uow.outbox.add(
        *(
            Notification(
                chat_id=manager_id,
                user_id=manager_id,
                template="verify-document",
                params={"address": link.building_address, "apartment": link.apartment_number},
                buttons=_verification_buttons(link.id),
                media=(MediaRef(media.kind, media.file_id),),
            )
            for manager_id in await uow.directory.managers_of(link.building_id)
        )
    )
    await uow.audit.record(user_id, "residency.document_sent", "residency", str(link.id), {})
    await uow.commit()
    return link


async def check_apartment(
    directory: DirectoryRepository, building_id: int, raw: str
) -> ApartmentInfo:
    """The apartment a resident typed, or a ``NotFound`` telling them the number is not there."""
    number = clean_apartment_number(raw)
    apartment = await directory.find_apartment(building_id, number)
    if apartment is None:
        raise NotFound("error-apartment-not-found", number=number)
    return apartment
