"""Residents' links to apartments and their verification state."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import ResidencyKind, VerificationState
from domain.services.residents import ResidencyLink
from storage.models import Apartment, Building, ResidentApartment, User


class SqlResidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self) -> Select[ResidentApartment, str, int, str]:
        return (
            select(ResidentApartment, Apartment.number, Building.id, Building.address)
            .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
            .join(Building, Building.id == Apartment.building_id)
        )

    @staticmethod
    def _link(row: tuple[ResidentApartment, str, int, str]) -> ResidencyLink:
        link, number, building_id, address = row
        return ResidencyLink(
            id=link.id,
            user_id=link.user_id,
            apartment_id=link.apartment_id,
            building_id=building_id,
            building_address=address,
            apartment_number=number,
            kind=ResidencyKind(link.kind),
            verification=VerificationState(link.verification),
            rejection_reason=link.rejection_reason,
        )

    async def links_of(self, user_id: int) -> list[ResidencyLink]:
        rows = await self.session.execute(
            self._select()
            .where(ResidentApartment.user_id == user_id)
            .order_by(ResidentApartment.id)
        )
        return [self._link(tuple(row)) for row in rows.all()]  # type: ignore[arg-type]

    async def get_link(self, link_id: int) -> ResidencyLink | None:
        row = (
            await self.session.execute(self._select().where(ResidentApartment.id == link_id))
        ).first()
        return self._link(tuple(row)) if row else None  # type: ignore[arg-type]

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
