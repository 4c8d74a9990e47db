"""The address directory as residents and staff browse it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Role, UserStatus
from domain.services.desk_rules import BuildingRule
from domain.services.residents import ApartmentInfo, BuildingInfo
from storage.models import Apartment, Building, Entrance, ManagerBuilding, User, UserRole

EARTH_RADIUS_KM = 6371.0


def _building(row: Building, distance_km: float | None = None) -> BuildingInfo:
    return BuildingInfo(
        id=row.id,
        address=row.address,
        district=row.district,
        lat=row.lat,
        lon=row.lon,
        distance_km=distance_km,
    )


def managers_of_building(building_id: Any) -> Select[Any]:
    """Active managers of the building (``building_id``: a value or a column)."""
    return (
        select(ManagerBuilding.user_id)
        .join(
            UserRole,
            (UserRole.user_id == ManagerBuilding.user_id) & (UserRole.role == Role.MANAGER),
        )
        .where(
            ManagerBuilding.building_id == building_id,
            ManagerBuilding.user_id.in_(select(User.id).where(User.status == UserStatus.ACTIVE)),
        )
        .order_by(ManagerBuilding.user_id)
    )


# Every transition notifies the building's managers: built once.
_MANAGERS_OF = managers_of_building(bindparam("building_id"))


class SqlDirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_buildings(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Building)) or 0)

    async def list_buildings(self, offset: int, limit: int) -> list[BuildingInfo]:
        rows = await self.session.scalars(
            select(Building).order_by(Building.address, Building.id).offset(offset).limit(limit)
        )
        return [_building(row) for row in rows]

    async def auto_assign_page(self, offset: int, limit: int) -> list[BuildingRule]:
        rows = await self.session.execute(
            select(Building.id, Building.address, Building.auto_assign)
            .order_by(Building.address, Building.id)
            .offset(offset)
            .limit(limit)
        )
        return [BuildingRule(int(row[0]), str(row[1]), bool(row[2])) for row in rows]

    async def set_auto_assign(self, building_id: int, value: bool) -> BuildingRule | None:
        row = (
            await self.session.execute(
                update(Building)
                .where(Building.id == building_id)
                .values(auto_assign=value)
                .returning(Building.id, Building.address, Building.auto_assign)
            )
        ).first()
        return BuildingRule(int(row[0]), str(row[1]), bool(row[2])) if row else None

    async def search_buildings(self, text: str, limit: int) -> list[BuildingInfo]:
        words = [w for w in text.lower().replace(",", " ").split() if w][:6]
        if not words:
            return []
        haystack = func.lower(Building.address + " " + func.coalesce(Building.district, ""))
        stmt = select(Building)
        for word in words:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(haystack.like(f"%{escaped}%", escape="\\"))
        rows = await self.session.scalars(stmt.order_by(Building.address).limit(limit))
        return [_building(row) for row in rows]

    async def nearest_buildings(self, lat: float, lon: float, limit: int) -> list[BuildingInfo]:
        # Haversine in SQL: a directory is thousands of buildings at most, no index needed.
        dlat = func.radians(Building.lat - lat)
        dlon = func.radians(Building.lon - lon)
        a = func.power(func.sin(dlat / 2), 2) + func.cos(func.radians(literal(lat))) * func.cos(
            func.radians(Building.lat)
        ) * func.power(func.sin(dlon / 2), 2)
        distance = (2 * EARTH_RADIUS_KM * func.asin(func.sqrt(func.least(a, 1.0)))).label("km")
        rows = await self.session.execute(
            select(Building, distance)
            .where(Building.lat.is_not(None), Building.lon.is_not(None))
            .order_by(distance)
            .limit(limit)
        )
        return [_building(row, float(km)) for row, km in rows.all()]

    async def get_building(self, building_id: int) -> BuildingInfo | None:
        row = await self.session.get(Building, building_id)
        return _building(row) if row else None

    async def find_apartment(self, building_id: int, number: str) -> ApartmentInfo | None:
        row = (
            await self.session.execute(
                select(Apartment, Entrance.number)
                .outerjoin(Entrance, Entrance.id == Apartment.entrance_id)
                .where(
                    Apartment.building_id == building_id,
                    func.lower(Apartment.number) == number.lower(),
                )
            )
        ).first()
        if row is None:
            return None
        apartment, entrance = row
        return ApartmentInfo(
            id=apartment.id,
            building_id=apartment.building_id,
            number=apartment.number,
            entrance=entrance,
            floor=apartment.floor,
        )

    async def managers_of(self, building_id: int) -> list[int]:
        """Active managers of the building; the admins when it has none, so nobody is forgotten."""
        managers = await self.session.scalars(_MANAGERS_OF, {"building_id": building_id})
        ids = list(managers)
        return ids or await self.admins()

    async def admins(self) -> list[int]:
        """Active admins."""
        active = select(User.id).where(User.status == UserStatus.ACTIVE)
        admins = await self.session.scalars(
            select(UserRole.user_id)
            .where(UserRole.role == Role.ADMIN, UserRole.user_id.in_(active))
            .order_by(UserRole.user_id)
        )
        return list(admins)
