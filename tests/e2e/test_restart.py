"""A draft survives a restart of the bot when Redis holds conversation state."""

from __future__ import annotations

import os
from datetime import timedelta

from fsm.storage import build_fsm_backend
from tests.conftest import require_redis_url
from tests.e2e.conftest import Desk
from tests.e2e.helpers import seed_directory, verified_resident


async def test_filing_draft_survives_a_restart(desk: Desk) -> None:
    require_redis_url("without Redis, drafts are kept in memory and are lost on restart by design")
    runtime = desk.runtime
    await seed_directory(runtime.services.session_factory)
    resident = await verified_resident(desk, "Restart")
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press("Plumbing")
    await resident.expect("Where is the problem")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")

    # Restart: every in-process cache is dropped and the conversation state is read back
    # through a brand-new Redis connection, as a freshly started process would.
    dispatcher = runtime.dispatcher
    old_storage = dispatcher.fsm.storage
    fresh = build_fsm_backend(os.environ["UKBOT_TEST_REDIS_URL"], state_ttl=timedelta(days=1))
    dispatcher.fsm.storage = fresh.storage
    runtime.services.profiles.clear()
    try:
        await resident.send_text("The pipe under the bath is dripping.")
        await resident.expect("Add photos")
    finally:
        dispatcher.fsm.storage = old_storage
        await fresh.storage.close()
