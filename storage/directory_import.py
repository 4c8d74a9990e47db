"""Import the address directory (organisations → buildings → entrances → apartments)
from CSV.

Format: UTF-8 (a BOM is fine; cp1251 is accepted as a fallback), delimiter ``,``
(``;`` or tab are detected from the header line), one header line naming the
columns in any order::

    organisation,building_address,district,lat,lon,entrance,apartment,floor

=================  ========  ===================================================
column             required  meaning
=================  ========  ===================================================
organisation       yes       management company name; created when new
building_address   yes       address as residents know it; with the organisation
                             it identifies the building
district           no        district / neighbourhood
lat, lon           no        WGS84 degrees, both or neither (``41.31`` or ``41,31``)
entrance           no        entrance number as written on the door (``1``, ``2А``)
apartment          no        apartment number, starting with a digit (``12``,
                             ``12А``, ``12/1``); empty: a row about the building only
floor              no        integer floor of the apartment (-5..200)
=================  ========  ===================================================

Columns other than ``organisation`` and ``building_address`` may be left out of
the file. Unknown columns are an error (a typo would otherwise lose data).

One row per apartment; building fields may repeat on every row or appear once.
Re-importing the same file creates nothing; changed coordinates, district,
entrance or floor update the existing rows; empty cells never erase data.

All or nothing: the file is validated first; any bad row makes the whole import
a no-op and raises ``DirectoryImportError`` listing every problem with its line
number. The writes run in one transaction with bulk statements.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Apartment, Building, Entrance, Organisation

__all__ = [
    "COLUMNS",
    "DirectoryImportError",
    "DirectoryRow",
    "ImportIssue",
    "ImportReport",
    "import_directory",
    "import_directory_text",
    "parse_directory_csv",
]

COLUMNS: tuple[str, ...] = (
    "organisation",
    "building_address",
    "district",
    "lat",
    "lon",
    "entrance",
    "apartment",
    "floor",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("organisation", "building_address")

MAX_NAME = 200
MAX_ADDRESS = 300
MAX_DISTRICT = 100
MIN_FLOOR, MAX_FLOOR = -5, 200
_ENTRANCE_RE = re.compile(r"\w[\w/-]{0,9}")
_APARTMENT_RE = re.compile(r"\d{1,6}(?:[-/]?\w{1,4})?")
_IMPORT_LOCK_KEY = 0x756B626F745F6469  # pg_advisory_xact_lock key: "ukbot directory"


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A problem in the file. ``code`` is a message key, ``params`` its arguments."""

    line: int
    code: str
    message: str
    params: dict[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class DirectoryImportError(ValueError):
    """The file has problems; nothing was imported. ``issues`` lists them all."""

    MAX_SHOWN = 20

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = issues
        shown = "; ".join(str(issue) for issue in issues[: self.MAX_SHOWN])
        more = len(issues) - self.MAX_SHOWN
        super().__init__(shown + (f"; and {more} more" if more > 0 else ""))


@dataclass(slots=True)
class ImportReport:
    """What a successful import did."""

    rows: int = 0
    organisations_created: int = 0
    buildings_created: int = 0
    buildings_updated: int = 0
    entrances_created: int = 0
    apartments_created: int = 0
    apartments_updated: int = 0

    @property
    def created(self) -> int:
        return (
            self.organisations_created
            + self.buildings_created
            + self.entrances_created
            + self.apartments_created
        )

    @property
    def updated(self) -> int:
        return self.buildings_updated + self.apartments_updated

    def summary(self) -> str:
        return (
            f"{self.rows} rows: created {self.organisations_created} organisations, "
            f"{self.buildings_created} buildings, {self.entrances_created} entrances, "
            f"{self.apartments_created} apartments; updated {self.buildings_updated} "
            f"buildings, {self.apartments_updated} apartments"
        )


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    line: int
    organisation: str
    address: str
    district: str | None
    lat: float | None
    lon: float | None
    entrance: str | None
    apartment: str | None
    floor: int | None


# --------------------------------------------------------------------------- parsing


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _parse_coordinate(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_row(
    line: int, cells: list[str], index: dict[str, int]
) -> DirectoryRow | list[ImportIssue]:
    """One data row: the row, or its problems."""
    if len(cells) > len(index):
        return [
            ImportIssue(
                line,
                "directory-import-extra-cells",
                f"{len(cells)} cells but the header has {len(index)} columns",
            )
        ]

    def get(name: str) -> str:
        i = index.get(name)
        return _clean(cells[i]) if i is not None and i < len(cells) else ""

    issues: list[ImportIssue] = []

    def bad(code: str, message: str, **params: str | int) -> None:
        issues.append(ImportIssue(line, code, message, dict(params)))

    organisation = get("organisation")
    if not organisation:
        bad("directory-import-missing-organisation", "organisation is empty")
    elif len(organisation) > MAX_NAME:
        bad("directory-import-too-long", "organisation is too long", column="organisation")
    address = get("building_address")
    if not address:
        bad("directory-import-missing-address", "building address is empty")
    elif len(address) > MAX_ADDRESS:
        bad("directory-import-too-long", "building address is too long", column="address")
    district = get("district") or None
    if district is not None and len(district) > MAX_DISTRICT:
        bad("directory-import-too-long", "district is too long", column="district")

    lat_raw, lon_raw = get("lat"), get("lon")
    lat = lon = None
    if bool(lat_raw) != bool(lon_raw):
        bad("directory-import-half-coordinates", "give both lat and lon, or neither")
    elif lat_raw:
        lat, lon = _parse_coordinate(lat_raw), _parse_coordinate(lon_raw)
        if lat is None or not -90 <= lat <= 90:
            bad("directory-import-bad-lat", f"bad latitude {lat_raw!r}", value=lat_raw)
        if lon is None or not -180 <= lon <= 180:
            bad("directory-import-bad-lon", f"bad longitude {lon_raw!r}", value=lon_raw)

    entrance = get("entrance") or None
    if entrance is not None and not _ENTRANCE_RE.fullmatch(entrance):
        bad("directory-import-bad-entrance", f"bad entrance number {entrance!r}", value=entrance)
    apartment = get("apartment") or None
    if apartment is not None and not _APARTMENT_RE.fullmatch(apartment):
        bad(
            "directory-import-bad-apartment",
            f"bad apartment number {apartment!r}",
            value=apartment,
        )
    floor_raw = get("floor")
    floor: int | None = None
    if floor_raw:
        try:
            floor = int(floor_raw)
        except ValueError:
            floor = None
        if floor is None or not MIN_FLOOR <= floor <= MAX_FLOOR:
            bad("directory-import-bad-floor", f"bad floor {floor_raw!r}", value=floor_raw)
            floor = None
        elif apartment is None:
            bad("directory-import-floor-without-apartment", "floor given without apartment")

    if issues:
        return issues
    return DirectoryRow(
        line=line,
        organisation=organisation,
        address=address,
        district=district,
        lat=lat,
        lon=lon,
        entrance=entrance,
        apartment=apartment,
        floor=floor,
    )


def parse_directory_csv(content: str) -> tuple[list[DirectoryRow], list[ImportIssue]]:
    """Parse and validate the whole file; rows are only usable when there are no issues."""
    issues: list[ImportIssue] = []
    rows: list[DirectoryRow] = []
    first_line = content.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(first_line))

    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        return [], [ImportIssue(1, "directory-import-empty", "the file is empty")]
    columns = [cell.strip().lower() for cell in header]
    for name in columns:
        if name not in COLUMNS:
            issues.append(
                ImportIssue(
                    1,
                    "directory-import-unknown-column",
                    f"unknown column {name!r} (expected: {', '.join(COLUMNS)})",
                    {"column": name},
                )
            )
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            issues.append(
                ImportIssue(
                    1,
                    "directory-import-missing-column",
                    f"missing column {name!r}",
                    {"column": name},
                )
            )
    if len(set(columns)) != len(columns):
        issues.append(ImportIssue(1, "directory-import-duplicate-column", "a column is repeated"))
    if issues:
        return [], issues

    index = {name: i for i, name in enumerate(columns)}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        parsed = _parse_row(reader.line_num, cells, index)
        if isinstance(parsed, DirectoryRow):
            rows.append(parsed)
        else:
            issues.extend(parsed)

    if not issues:
        issues.extend(_check_consistency(rows))
    if not rows and not issues:
        issues.append(ImportIssue(1, "directory-import-no-rows", "the file has no rows"))
    return rows, issues


@dataclass(slots=True)
class _BuildingSpec:
    organisation: str
    address: str
    line: int
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    district_line: int = 0
    coords_line: int = 0
    entrances: set[str] = field(default_factory=set)
    # apartment number -> (entrance, floor, line)
    apartments: dict[str, tuple[str | None, int | None, int]] = field(default_factory=dict)


def _group(
    rows: Iterable[DirectoryRow],
) -> tuple[dict[tuple[str, str], _BuildingSpec], list[ImportIssue]]:
    buildings: dict[tuple[str, str], _BuildingSpec] = {}
    issues: list[ImportIssue] = []
    for row in rows:
        key = (row.organisation, row.address)
        spec = buildings.get(key)
        if spec is None:
            spec = buildings[key] = _BuildingSpec(row.organisation, row.address, row.line)
        if row.district is not None:
            if spec.district is None:
                spec.district, spec.district_line = row.district, row.line
            elif spec.district != row.district:
                issues.append(
                    ImportIssue(
                        row.line,
                        "directory-import-conflict",
                        f"district differs from line {spec.district_line}",
                        {"field": "district", "other_line": spec.district_line},
                    )
                )
        if row.lat is not None and row.lon is not None:
            if spec.lat is None:
                spec.lat, spec.lon, spec.coords_line = row.lat, row.lon, row.line
            elif (spec.lat, spec.lon) != (row.lat, row.lon):
                issues.append(
                    ImportIssue(
                        row.line,
                        "directory-import-conflict",
                        f"coordinates differ from line {spec.coords_line}",
                        {"field": "coordinates", "other_line": spec.coords_line},
                    )
                )
        if row.entrance is not None:
            spec.entrances.add(row.entrance)
        if row.apartment is not None:
            seen = spec.apartments.get(row.apartment)
            if seen is None:
                spec.apartments[row.apartment] = (row.entrance, row.floor, row.line)
            elif (seen[0], seen[1]) != (row.entrance, row.floor):
                issues.append(
                    ImportIssue(
                        row.line,
                        "directory-import-conflict",
                        f"apartment {row.apartment} differs from line {seen[2]}",
                        {"field": "apartment", "other_line": seen[2]},
                    )
                )
    return buildings, issues


def _check_consistency(rows: list[DirectoryRow]) -> list[ImportIssue]:
    return _group(rows)[1]


# --------------------------------------------------------------------------- writing


async def _apply(session: AsyncSession, rows: list[DirectoryRow], report: ImportReport) -> None:
    specs, _ = _group(rows)
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _IMPORT_LOCK_KEY})

    # organisations
    names = sorted({spec.organisation for spec in specs.values()})
    found_orgs = await session.execute(
        select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
    )
    org_ids: dict[str, int] = dict(found_orgs.all())
    new_names = [n for n in names if n not in org_ids]
    if new_names:
        result = await session.execute(
            insert(Organisation).returning(Organisation.name, Organisation.id),
            [{"name": n} for n in new_names],
        )
        org_ids.update(result.all())
        report.organisations_created = len(new_names)

    # buildings
    keys = [(org_ids[s.organisation], s.address) for s in specs.values()]
    existing_buildings = {
        (b.organisation_id, b.address): b
        for b in (
            await session.execute(
                select(
                    Building.id,
                    Building.organisation_id,
                    Building.address,
                    Building.district,
                    Building.lat,
                    Building.lon,
                ).where(tuple_(Building.organisation_id, Building.address).in_(keys))
            )
        ).all()
    }
    building_ids: dict[tuple[str, str], int] = {}
    new_buildings: list[dict[str, Any]] = []
    changed_buildings: list[dict[str, Any]] = []
    for key, spec in specs.items():
        org_id = org_ids[spec.organisation]
        found = existing_buildings.get((org_id, spec.address))
        if found is None:
            new_buildings.append(
                {
                    "organisation_id": org_id,
                    "address": spec.address,
                    "district": spec.district,
                    "lat": spec.lat,
                    "lon": spec.lon,
                }
            )
            continue
        building_ids[key] = found.id
        district = spec.district if spec.district is not None else found.district
        lat = spec.lat if spec.lat is not None else found.lat
        lon = spec.lon if spec.lon is not None else found.lon
        if (district, lat, lon) != (found.district, found.lat, found.lon):
            changed_buildings.append({"id": found.id, "district": district, "lat": lat, "lon": lon})
    if new_buildings:
        id_by_org = {v: k for k, v in org_ids.items()}
        result = await session.execute(
            insert(Building).returning(Building.id, Building.organisation_id, Building.address),
            new_buildings,
        )
        for row in result:
            building_ids[(id_by_org[row.organisation_id], row.address)] = row.id
        report.buildings_created = len(new_buildings)
    if changed_buildings:
        await session.execute(update(Building), changed_buildings)
        report.buildings_updated = len(changed_buildings)

    all_building_ids = list(building_ids.values())

    # entrances
    entrance_ids: dict[tuple[int, str], int] = {
        (b_id, number): e_id
        for e_id, b_id, number in (
            await session.execute(
                select(Entrance.id, Entrance.building_id, Entrance.number).where(
                    Entrance.building_id.in_(all_building_ids)
                )
            )
        )
    }
    new_entrances = [
        {"building_id": building_ids[key], "number": number}
        for key, spec in specs.items()
        for number in sorted(spec.entrances)
        if (building_ids[key], number) not in entrance_ids
    ]
    if new_entrances:
        result = await session.execute(
            insert(Entrance).returning(Entrance.id, Entrance.building_id, Entrance.number),
            new_entrances,
        )
        for row in result:
            entrance_ids[(row.building_id, row.number)] = row.id
        report.entrances_created = len(new_entrances)

    # apartments
    existing_apartments = {
        (a.building_id, a.number): a
        for a in (
            await session.execute(
                select(
                    Apartment.id,
                    Apartment.building_id,
                    Apartment.number,
                    Apartment.entrance_id,
                    Apartment.floor,
                ).where(Apartment.building_id.in_(all_building_ids))
            )
        ).all()
    }
    new_apartments: list[dict[str, Any]] = []
    changed_apartments: list[dict[str, Any]] = []
    for key, spec in specs.items():
        b_id = building_ids[key]
        for number, (entrance, floor, _line) in spec.apartments.items():
            e_id = entrance_ids[(b_id, entrance)] if entrance is not None else None
            flat = existing_apartments.get((b_id, number))
            if flat is None:
                new_apartments.append(
                    {"building_id": b_id, "number": number, "entrance_id": e_id, "floor": floor}
                )
                continue
            entrance_id = e_id if e_id is not None else flat.entrance_id
            new_floor = floor if floor is not None else flat.floor
            if (entrance_id, new_floor) != (flat.entrance_id, flat.floor):
                changed_apartments.append(
                    {"id": flat.id, "entrance_id": entrance_id, "floor": new_floor}
                )
    if new_apartments:
        await session.execute(insert(Apartment), new_apartments)
        report.apartments_created = len(new_apartments)
    if changed_apartments:
        await session.execute(update(Apartment), changed_apartments)
        report.apartments_updated = len(changed_apartments)


async def import_directory_text(
    session_factory: async_sessionmaker[AsyncSession], content: str
) -> ImportReport:
    """Validate and import CSV text; see the module docstring for the format.

    Raises ``DirectoryImportError`` (nothing imported) when any row is bad.
    """
    rows, issues = parse_directory_csv(content)
    if issues:
        raise DirectoryImportError(issues)
    report = ImportReport(rows=len(rows))
    async with session_factory() as session, session.begin():
        await _apply(session, rows, report)
    return report


async def import_directory(
    session_factory: async_sessionmaker[AsyncSession], path: Path | str
) -> ImportReport:
    """Validate and import a CSV file: all rows or nothing. Returns the created /
    updated counts; raises ``DirectoryImportError`` with every problem (and its line
    number) when nothing was imported."""
    data = await asyncio.to_thread(Path(path).read_bytes)
    return await import_directory_text(session_factory, _decode(data))
