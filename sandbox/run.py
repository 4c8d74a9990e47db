"""`ukbot sandbox`: the emulator, the bot against it and demo data, in one process.

Anyone can try the product without a Telegram token: open the printed web page and
play the resident, the executor and the manager side by side (or act as them through
the emulator's control API and the Python client in ``sandbox.client``). The local
geocoder and LLM stand-ins run next to it, so location search and triage work offline.
"""

from __future__ import annotations

import asyncio
import os
import secrets

from aiogram.fsm.storage.base import StorageKey
from pydantic import SecretStr

from bot.app import Runtime, open_runtime, polling, serving_http
from bot.settings import Settings
from domain.enums import Language
from domain.services.api_clients import SECRET_PREFIX
from sandbox import nominatim, openai_fake
from sandbox.client import EmulatorClient
from sandbox.demo import (
    DEMO_BUILDINGS,
    DEMO_POINTS,
    VERIFIED_RESIDENT_PHONE,
    DemoPeople,
    reset_demo,
    seed_api_client,
    seed_demo,
)
from sandbox.emulator.server import EmulatorServer, run_emulator
from storage.repositories.settings import forget_desk_settings

SANDBOX_TOKEN = "1000000001:sandbox-token"
SANDBOX_LLM_KEY = "sandbox-key"
# The language the demo staff and the verified resident start with (ru, uz or en).
STAFF_LANGUAGE_ENV = "UKBOT_SANDBOX_STAFF_LANGUAGE"

INSTRUCTIONS = """\
UK Management Bot sandbox is running.

  Open in a browser:  {url}/   (resident, executor and manager side by side)

  Bot API emulator:   {url}   (the bot polls it as it would poll Telegram)
  Control API:        {url}/sandbox/api   (JSON; see sandbox/emulator/README.md)
  Geocoder:           {geocoder}   (Nominatim-compatible, demo places)
  LLM:                {llm}   (OpenAI-compatible, triage hints)

Demo people (Telegram ids):
  manager + admin         {manager}
  executor (plumber)      {executor}
  executor (electrician)  {electrician}
  resident (verified)     {verified}
  resident                {resident}   (new: goes through onboarding on /start)

REST API:             {api}/api/v1   (OpenAPI: {api}/api/v1/openapi.json)
  client id {client_id}, secret {secret}   (every scope; a new secret at each start)
  TOKEN=$(curl -s -X POST {api}/api/v1/token -H 'Content-Type: application/json' \\
    -d '{{"client_id": {client_id}, "client_secret": "{secret}"}}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -X POST {api}/api/v1/requests -H "Authorization: Bearer $TOKEN" \\
    -H 'Content-Type: application/json' \\
    -d '{{"phone": "{phone}", "category": "plumbing", "description": "Leak under the sink"}}'
Metrics:              {api}/metrics   (Prometheus)

Act as the resident from Python:

  from sandbox.client import EmulatorClient
  emu = EmulatorClient("{url}", "{token}")
  me = await emu.user({resident})
  await me.send_command("start")
  print(await me.expect())

Press Ctrl+C to stop.
"""


def staff_language_from_env() -> Language:
    raw = os.environ.get(STAFF_LANGUAGE_ENV, "").strip().lower()
    return Language(raw) if raw in {lang.value for lang in Language} else Language.EN


async def run_sandbox(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8081,
    staff_language: Language | None = None,
) -> None:
    people = DemoPeople()
    language = staff_language or staff_language_from_env()
    geocoder = nominatim.FakeNominatim(nominatim.DEMO_PLACES)
    llm = openai_fake.FakeOpenAI(api_key=SANDBOX_LLM_KEY)
    async with (
        run_emulator(host, port) as emulator,
        nominatim.serve(geocoder) as geocoder_url,
        openai_fake.serve(llm) as llm_url,
    ):
        token = settings.bot_token.get_secret_value() or SANDBOX_TOKEN
        emu = EmulatorClient(emulator.base_url, token)
        chats = await _create_people_and_chats(emu, people, language)
        sandbox_settings = settings.model_copy(
            update={
                "bot_token": SecretStr(token),
                "telegram_api_url": emulator.base_url,
                "staff_chat_id": chats["staff"],
                "storage_channel_id": chats["storage"],
                "admin_ids": sorted({*settings.admin_ids, people.manager_id}),
                "default_language": language,  # the staff group's posts, too
                "geocoder_url": geocoder_url,
                "geocoder_min_interval": 0.0,
                "openai_api_key": SecretStr(SANDBOX_LLM_KEY),
                "openai_base_url": llm_url,
                # the demo's API tokens live as long as this sandbox
                "api_jwt_secret": settings.api_jwt_secret or SecretStr(secrets.token_urlsafe(32)),
            }
        )
        try:
            async with open_runtime(sandbox_settings) as runtime:
                await seed_demo(runtime.services.session_factory, people, staff_language=language)
                api_secret = SECRET_PREFIX + secrets.token_urlsafe(24)
                client_id = await seed_api_client(runtime.services.session_factory, api_secret)
                _wire_page(emulator, runtime, people, chats, language, api_secret)
                async with polling(runtime) as poller, serving_http(runtime):
                    print(
                        INSTRUCTIONS.format(
                            url=emulator.base_url,
                            token=token,
                            geocoder=geocoder_url,
                            llm=llm_url,
                            manager=people.manager_id,
                            executor=people.executor_id,
                            electrician=people.electrician_id,
                            verified=people.verified_resident_id,
                            resident=people.resident_id,
                            api=f"http://{sandbox_settings.http_host}:{sandbox_settings.http_port}",
                            client_id=client_id,
                            secret=api_secret,
                            phone=VERIFIED_RESIDENT_PHONE,
                        ),
                        flush=True,
                    )
                    # a stop cancels us, not the poller: polling() stops it gracefully
                    await asyncio.shield(poller)
        finally:
            await emu.close()


async def _create_people_and_chats(
    emu: EmulatorClient, people: DemoPeople, language: Language
) -> dict[str, int]:
    """The demo people as Telegram users, the staff group and the storage channel."""
    for person in people.everyone:
        new = person.id == people.resident_id  # the bot has never heard of them
        await emu.create_user(
            person.first_name,
            person.last_name,
            language_code="ru" if new else language.value,
            user_id=person.id,
            started=not new,
        )
    staff = await emu.create_group("UK staff", members=list(people.staff_ids))
    storage = await emu.create_channel("UK storage", owner=people.manager_id)
    return {"staff": staff.id, "storage": storage.id}


def _wire_page(
    emulator: EmulatorServer,
    runtime: Runtime,
    people: DemoPeople,
    chats: dict[str, int],
    language: Language,
    api_secret: str,
) -> None:
    """What the web page shows, and its "reset demo" button."""
    emulator.page_info = {
        "bot_id": runtime.bot.id,
        "people": [
            {
                "id": p.id,
                "name": f"{p.first_name} {p.last_name}",
                "role": p.role,
                "pinned": i < 3,
            }
            for i, p in enumerate(people.everyone)
        ],
        "chats": [
            {
                "id": chats["staff"],
                "title": "UK staff",
                "role": "Staff group",
                "as": people.manager_id,
            },
            {"id": chats["storage"], "title": "UK storage", "role": "Storage channel"},
        ],
        "places": list(DEMO_POINTS),
        "buildings": [b.address for b in DEMO_BUILDINGS],
        "languages": ["ru", "uz", "en"],
        "staff_language": language.value,
        "timezone": runtime.settings.timezone,  # the page's clock agrees with the bot's texts
    }

    async def reset() -> None:
        services = runtime.services
        await reset_demo(services.session_factory, people, staff_language=language)
        await seed_api_client(services.session_factory, api_secret)
        forget_desk_settings()
        services.profiles.clear()
        for person in people.everyone:
            key = StorageKey(bot_id=runtime.bot.id, chat_id=person.id, user_id=person.id)
            await runtime.dispatcher.storage.set_state(key, None)
            await runtime.dispatcher.storage.set_data(key, {})
        emulator.state.clear_histories()

    emulator.on_page_reset = reset


if __name__ == "__main__":
    asyncio.run(run_sandbox(Settings()))
