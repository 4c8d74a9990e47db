"""Directory import from CSV: all or nothing, idempotent, fast for big buildings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.directory_import import DirectoryImportError, import_directory, import_directory_text
from storage.models import Apartment, Building, Entrance, Organisation

pytestmark = pytest.mark.usefixtures("clean_db")

HEADER = "organisation,building_address,district,lat,lon,entrance,apartment,floor\n"

SAMPLE = HEADER + (
    'УК Мирзо,"ул. Навои, 12",Шайхантахур,41.3111,69.2797,1,1,1\n'
    'УК Мирзо,"ул. Навои, 12",Шайхантахур,41.3111,69.2797,1,2,1\n'
    'УК Мирзо,"ул. Навои, 12",,,,2,12А,3\n'
    "УК Мирзо,Амира Темура 5,Юнусабад,41.35,69.29,,,\n"
    "Green House,Mustaqillik 1,,,,,7,\n"
)


async def _counts(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with factory() as session:
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Organisation, Building, Entrance, Apartment)
        }


def _write(tmp_path: Path, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "directory.csv"
    path.write_text(content, encoding=encoding)
    return path


async def test_happy_path(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    report = await import_directory(session_factory, _write(tmp_path, SAMPLE))
    assert report.rows == 5
    assert "created 2 organisations, 3 buildings" in report.summary()
    assert (
        report.organisations_created,
        report.buildings_created,
        report.entrances_created,
        report.apartments_created,
    ) == (2, 3, 2, 4)
    assert await _counts(session_factory) == {
        "organisations": 2,
        "buildings": 3,
        "entrances": 2,
        "apartments": 4,
    }
    async with session_factory() as session:
        building = (
            await session.scalars(select(Building).where(Building.address == "ул. Навои, 12"))
        ).one()
        assert (building.district, building.lat, building.lon) == ("Шайхантахур", 41.3111, 69.2797)
        assert building.auto_assign is True
        flat = (
            await session.scalars(
                select(Apartment).where(
                    Apartment.building_id == building.id, Apartment.number == "12А"
                )
            )
        ).one()
        entrance = await session.get(Entrance, flat.entrance_id)
        assert entrance is not None
        assert entrance.number == "2"
        assert flat.floor == 3


async def test_reimport_creates_nothing_and_updates_coordinates(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_directory(session_factory, _write(tmp_path, SAMPLE))
    before = await _counts(session_factory)

    again = await import_directory(session_factory, _write(tmp_path, SAMPLE))
    assert (again.created, again.updated) == (0, 0)
    assert await _counts(session_factory) == before

    moved = SAMPLE.replace("41.35,69.29", "41.36,69.30").replace(",2,12А,3", ",2,12А,4")
    report = await import_directory(session_factory, _write(tmp_path, moved))
    assert (report.created, report.buildings_updated, report.apartments_updated) == (0, 1, 1)
    assert await _counts(session_factory) == before
    async with session_factory() as session:
        building = (
            await session.scalars(select(Building).where(Building.address == "Амира Темура 5"))
        ).one()
        assert (building.lat, building.lon) == (41.36, 69.30)


async def test_empty_cells_do_not_erase(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await import_directory_text(session_factory, SAMPLE)
    bare = HEADER + "УК Мирзо,Амира Темура 5,,,,,,\n"
    report = await import_directory_text(session_factory, bare)
    assert report.updated == 0
    async with session_factory() as session:
        building = (
            await session.scalars(select(Building).where(Building.address == "Амира Темура 5"))
        ).one()
        assert (building.district, building.lat) == ("Юнусабад", 41.35)


@pytest.mark.parametrize(
    ("bad_line", "code"),
    [
        ("УК Мирзо,,,,,,3,\n", "directory-import-missing-address"),
        ("УК Мирзо,Навои 1,,,,,кв. 5,\n", "directory-import-bad-apartment"),
        ("УК Мирзо,Навои 1,,91.5,69.2,,5,\n", "directory-import-bad-lat"),
        ("УК Мирзо,Навои 1,,41.2,,,5,\n", "directory-import-half-coordinates"),
        ("УК Мирзо,Навои 1,,,,,5,этаж\n", "directory-import-bad-floor"),
        ("УК Мирзо,Навои 1,,,,,5,2,extra\n", "directory-import-extra-cells"),
    ],
)
async def test_bad_row_is_reported_and_nothing_is_imported(
    session_factory: async_sessionmaker[AsyncSession], bad_line: str, code: str
) -> None:
    content = SAMPLE + bad_line + "УК Мирзо,Навои 1,,,,,6,\n"
    with pytest.raises(DirectoryImportError, match="line 7") as caught:
        await import_directory_text(session_factory, content)
    assert [(e.line, e.code) for e in caught.value.issues] == [(7, code)]
    assert await _counts(session_factory) == {
        "organisations": 0,
        "buildings": 0,
        "entrances": 0,
        "apartments": 0,
    }


async def test_conflicting_rows_are_reported(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    content = HEADER + "УК,Навои 1,,41.1,69.1,1,5,2\nУК,Навои 1,,41.2,69.1,1,5,3\n"
    with pytest.raises(DirectoryImportError) as caught:
        await import_directory_text(session_factory, content)
    assert [(e.line, e.code) for e in caught.value.issues] == [
        (3, "directory-import-conflict"),
        (3, "directory-import-conflict"),
    ]
    assert (await _counts(session_factory))["buildings"] == 0


async def test_header_problems(session_factory: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(DirectoryImportError) as caught:
        await import_directory_text(session_factory, "organisation,adress\nУК,Навои 1\n")
    assert {(e.line, e.code) for e in caught.value.issues} == {
        (1, "directory-import-unknown-column"),
        (1, "directory-import-missing-column"),
    }
    with pytest.raises(DirectoryImportError, match="empty"):
        await import_directory_text(session_factory, "")


async def test_semicolons_bom_and_optional_columns(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    content = "\ufeffbuilding_address;organisation;apartment\nНавои 1;УК;5\nНавои 1;УК;6\n"
    report = await import_directory(session_factory, _write(tmp_path, content))
    assert (report.buildings_created, report.apartments_created) == (1, 2)


async def test_cp1251_file(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + "УК,Навои 1,,,,,5,\n", encoding="cp1251")
    await import_directory(session_factory, path)
    async with session_factory() as session:
        assert await session.scalar(select(Building.address)) == "Навои 1"


async def test_building_of_300_apartments_is_fast(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    lines = [HEADER]
    for flat in range(1, 301):
        entrance = (flat - 1) // 60 + 1
        floor = (flat - 1) % 60 // 4 + 1
        lines.append(
            f"УК Мирзо,Чиланзар 9-й квартал 15,Чиланзар,41.28,69.2,{entrance},{flat},{floor}\n"
        )
    path = _write(tmp_path, "".join(lines))

    started = time.perf_counter()
    report = await import_directory(session_factory, path)
    elapsed = time.perf_counter() - started
    assert (report.buildings_created, report.entrances_created, report.apartments_created) == (
        1,
        5,
        300,
    )
    assert elapsed < 3.0, f"import took {elapsed:.2f} s"

    started = time.perf_counter()
    again = await import_directory(session_factory, path)
    assert (again.created, again.updated) == (0, 0)
    assert time.perf_counter() - started < 3.0
