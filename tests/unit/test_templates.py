"""Rejection reason templates: listing, adding, removing, picking (fakes, no database)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from domain.access import Actor
from domain.enums import Role
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.templates import (
    DEFAULT_REJECT_TEMPLATES,
    MAX_TEMPLATES,
    RejectTemplate,
    add_reject_template,
    list_reject_templates,
    pick_reject_template,
    remove_reject_template,
)
from tests.unit.factories import ADMIN, AUTHOR, EXECUTOR, MANAGER, FakeAudit

MANAGER_ACTOR = Actor(user_id=MANAGER, roles=frozenset({Role.MANAGER}))
ADMIN_ACTOR = Actor(user_id=ADMIN, roles=frozenset({Role.ADMIN}))


class FakeSettings:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.saved: list[tuple[str, Any, int | None]] = []

    async def load(self) -> DeskSettings:
        return DeskSettings.from_values(self.values)

    async def save(self, key: str, value: Any, *, by: int | None) -> None:
        self.values[key] = value
        self.saved.append((key, value, by))


class FakeUow:
    def __init__(self, stored: list[str] | None = None) -> None:
        self.settings = FakeSettings()
        if stored is not None:
            self.settings.values["reject_templates"] = stored
        self.audit = FakeAudit()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


def test_desk_settings_reads_the_stored_list_as_a_tuple() -> None:
    assert DeskSettings().reject_templates == ()
    settings = DeskSettings.from_values({"reject_templates": ["a b c", "d e f"]})
    assert settings.reject_templates == ("a b c", "d e f")
    assert DeskSettings.from_values({"reject_templates": None}).reject_templates == ()


async def test_defaults_are_offered_while_nothing_is_stored() -> None:
    templates = await list_reject_templates(FakeUow())
    assert templates.defaults
    assert [item.key for item in templates.items] == list(DEFAULT_REJECT_TEMPLATES)
    assert all(item.text is None for item in templates.items)
    assert templates.can_add


async def test_a_manager_adds_a_template_trimmed_and_it_replaces_the_defaults() -> None:
    uow = FakeUow()
    templates = await add_reject_template(uow, MANAGER_ACTOR, "  Roof  is\n the city's  ")
    assert not templates.defaults
    assert templates.items == (RejectTemplate(text="Roof is the city's"),)
    assert uow.settings.saved == [("reject_templates", ["Roof is the city's"], MANAGER)]
    assert uow.audit.records == [
        (
            MANAGER,
            "reject_template.added",
            "setting",
            "reject_templates",
            {"text": "Roof is the city's", "count": 1},
        )
    ]
    assert uow.commits == 1
    assert (await list_reject_templates(uow)).items == templates.items


async def test_an_admin_may_add_too() -> None:
    uow = FakeUow(["First reason"])
    templates = await add_reject_template(uow, ADMIN_ACTOR, "Second reason")
    assert [item.text for item in templates.items] == ["First reason", "Second reason"]


@pytest.mark.parametrize(
    "actor",
    [
        Actor(user_id=AUTHOR),
        Actor(user_id=EXECUTOR, roles=frozenset({Role.EXECUTOR})),
        replace(MANAGER_ACTOR, is_active=False),
    ],
)
async def test_only_managers_and_admins_edit(actor: Actor) -> None:
    uow = FakeUow(["First reason"])
    with pytest.raises(NotAllowed):
        await add_reject_template(uow, actor, "Another reason")
    with pytest.raises(NotAllowed):
        await remove_reject_template(uow, actor, 0)
    assert uow.settings.saved == [] and uow.audit.records == [] and uow.commits == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  ab ", "templates-error-too-short"),
        ("", "templates-error-too-short"),
        (None, "templates-error-too-short"),
        ("x" * 201, "templates-error-too-long"),
        ("first REASON", "templates-error-duplicate"),
    ],
)
async def test_invalid_texts_are_refused(text: str | None, key: str) -> None:
    uow = FakeUow(["First reason"])
    with pytest.raises(ValidationFailed) as caught:
        await add_reject_template(uow, MANAGER_ACTOR, text)
    assert caught.value.key == key
    assert uow.settings.saved == [] and uow.commits == 0


async def test_bounds_are_inclusive() -> None:
    uow = FakeUow()
    await add_reject_template(uow, MANAGER_ACTOR, "abc")
    templates = await add_reject_template(uow, MANAGER_ACTOR, "y" * 200)
    assert len(templates.items) == 2


async def test_at_most_twelve() -> None:
    uow = FakeUow([f"Reason number {n}" for n in range(MAX_TEMPLATES)])
    assert not (await list_reject_templates(uow)).can_add
    with pytest.raises(ValidationFailed) as caught:
        await add_reject_template(uow, MANAGER_ACTOR, "One too many")
    assert caught.value.key == "templates-error-too-many"
    assert caught.value.params == {"max": MAX_TEMPLATES}


async def test_remove_and_the_last_removal_brings_the_defaults_back() -> None:
    uow = FakeUow(["First reason", "Second reason"])
    version = (await list_reject_templates(uow)).version
    templates = await remove_reject_template(uow, MANAGER_ACTOR, 0, version=version)
    assert [item.text for item in templates.items] == ["Second reason"]
    assert uow.audit.records[-1][1:4] == (
        "reject_template.removed",
        "setting",
        "reject_templates",
    )
    assert uow.audit.records[-1][4] == {"text": "First reason", "count": 1}
    templates = await remove_reject_template(uow, MANAGER_ACTOR, 0)
    assert templates.defaults
    assert uow.settings.values["reject_templates"] == []
    assert uow.commits == 2


@pytest.mark.parametrize("index", [-1, 2, 99])
async def test_removing_a_missing_index_is_outdated(index: int) -> None:
    uow = FakeUow(["First reason", "Second reason"])
    with pytest.raises(ValidationFailed) as caught:
        await remove_reject_template(uow, MANAGER_ACTOR, index)
    assert caught.value.key == "templates-error-outdated"


async def test_defaults_cannot_be_removed() -> None:
    with pytest.raises(ValidationFailed) as caught:
        await remove_reject_template(FakeUow(), MANAGER_ACTOR, 0)
    assert caught.value.key == "templates-error-outdated"


async def test_a_changed_list_makes_old_buttons_outdated() -> None:
    uow = FakeUow(["First reason", "Second reason"])
    old = (await list_reject_templates(uow)).version
    await add_reject_template(uow, MANAGER_ACTOR, "Third reason")
    with pytest.raises(ValidationFailed) as caught:
        await remove_reject_template(uow, MANAGER_ACTOR, 0, version=old)
    assert caught.value.key == "templates-error-outdated"
    with pytest.raises(ValidationFailed):
        await pick_reject_template(uow, 0, old)
    assert len((await list_reject_templates(uow)).items) == 3


async def test_pick_re_resolves_the_index() -> None:
    uow = FakeUow()
    defaults = await list_reject_templates(uow)
    picked = await pick_reject_template(uow, 1, defaults.version)
    assert picked == RejectTemplate(key=DEFAULT_REJECT_TEMPLATES[1])
    await add_reject_template(uow, MANAGER_ACTOR, "Own reason")
    current = await list_reject_templates(uow)
    assert current.version != defaults.version
    assert await pick_reject_template(uow, 0, current.version) == RejectTemplate(text="Own reason")
    assert await pick_reject_template(uow, 0) == RejectTemplate(text="Own reason")
    for index in (-1, 1):
        with pytest.raises(ValidationFailed) as caught:
            await pick_reject_template(uow, index)
        assert caught.value.key == "templates-error-outdated"
