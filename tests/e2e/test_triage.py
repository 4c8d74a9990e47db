"""The optional LLM second opinion: managers get a hint after filing; a hanging model
delays nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.classifier import OpenAIClassifier
from domain.enums import Role
from sandbox.openai_fake import FakeOpenAI, serve
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    file_request,
    make_staff,
    seed_directory,
    verified_resident,
)


@pytest_asyncio.fixture(loop_scope="session")
async def model(desk: Desk) -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI(api_key="test-key")
    services = desk.runtime.services
    disabled = services.classifier
    async with serve(fake) as url:
        # A long timeout: were filing ever to wait for the model, the wizard would stall.
        services.classifier = OpenAIClassifier("test-key", base_url=url, timeout=20.0)
        try:
            yield fake
        finally:
            await services.classifier.aclose()
            services.classifier = disabled


async def test_manager_gets_the_models_second_opinion(desk: Desk, model: FakeOpenAI) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(
        factory, manager, [Role.MANAGER], buildings=[await building_id(factory, NAVOI)]
    )
    resident = await verified_resident(desk, "Dilnoza")
    model.answer = {"category": "electricity", "urgency": "emergency", "confidence": 0.9}

    number = await file_request(desk, resident, description="Sparks from the socket in the hall")
    hint = await manager.expect("Second opinion", timeout=10)
    assert number in hint.content and "Electricity" in hint.content and "Emergency" in hint.content
    assert model.count() == 1


async def test_a_hanging_model_never_delays_filing(desk: Desk, model: FakeOpenAI) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    resident = await verified_resident(desk, "Aziz")
    model.delay = 30.0  # far beyond the adapter's timeout
    number = await file_request(desk, resident)  # answered at once, the model is asked aside
    assert number
    model.release()
