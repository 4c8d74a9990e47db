"""Residents' links to apartments and their verification state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import ResidencyKind, VerificationState
from domain.services.residents import ResidencyLink
from storage.models import Apartment, Building, ResidentApartment, User


def _links_statement(where: Any) -> Any:
    return (
        select(
            ResidentApartment.id,
            ResidentApartment.user_id,
            ResidentApartment.apartment_id,
            Building.id.label("building_id"),
            Building.address,
            Apartment.number,
            ResidentApartment.kind,
            ResidentApartment.verification,
            ResidentApartment.rejection_reason,
        )
        .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
        .join(Building, Building.id == Apartment.building_id)
        .where(where)
        .order_by(ResidentApartment.id)
    )


# Built once: the wizard and the start screen read a resident's links on most updates.
_LINKS_OF = _links_statement(ResidentApartment.user_id == bindparam("user_id"))
_LINK = _links_statement(ResidentApartment.id == bindparam("link_id"))


def _link(row: Row[Any]) -> ResidencyLink:
    return ResidencyLink(
        id=row.id,
        user_id=row.user_id,
        apartment_id=row.apartment_id,
        building_id=row.building_id,
        building_address=row.address,
        apartment_number=row.number,
        kind=ResidencyKind(row.kind),
        verification=VerificationState(row.verification),
        rejection_reason=row.rejection_reason,
    )


class SqlResidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def links_of(self, user_id: int) -> list[ResidencyLink]:
        rows = await self.session.execute(_LINKS_OF, {"user_id": user_id})
        return [_link(row) for row in rows]

    async def get_link(self, link_id: int) -> ResidencyLink | None:
        row = (await self.session.execute(_LINK, {"link_id": link_id})).first()
        return _link(row) if row else None

    async def add_link(self, user_id: int, apartment_id: int, kind: ResidencyKind) -> int:
        link = ResidentApartment(user_id=user_id, apartment_id=apartment_id, kind=kind)
        self.session.add(link)
        await self.session.flush()
        return link.id

    async def set_verification(
        self,
        link_id: int,
        state: VerificationState,
        *,
        by: int | None,
        reason: str | None = None,
        document_media_id: int | None = None,
    ) -> None:
        values: dict[str, object] = {"verification": state, "updated_at": func.now()}
        if state in (VerificationState.APPROVED, VerificationState.REJECTED):
            values.update(verified_by=by, verified_at=func.now(), rejection_reason=reason)
        if document_media_id is not None:
            values["document_media_id"] = document_media_id
        await self.session.execute(
            update(ResidentApartment).where(ResidentApartment.id == link_id).values(**values)
        )

    async def save_contact(self, user_id: int, phone: str, full_name: str) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(phone=phone, full_name=full_name, updated_at=func.now())
        )
