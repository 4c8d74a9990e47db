"""`ukbot sandbox`: the emulator, the bot against it and demo data, in one process.

Anyone can try the product without a Telegram token: act as a resident, the
manager and the executor through the emulator's control API (or the Python
client in ``sandbox.client``).
"""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from bot.app import open_runtime, polling
from bot.settings import Settings
from sandbox.client import EmulatorClient
from sandbox.demo import DemoPeople, seed_demo
from sandbox.emulator.server import run_emulator

SANDBOX_TOKEN = "1000000001:sandbox-token"

INSTRUCTIONS = """\
UK Management Bot sandbox is running.

  Bot API emulator:   {url}   (the bot polls it as it would poll Telegram)
  Control API:        {url}/sandbox/api   (JSON; see sandbox/emulator/README.md)

Demo people (Telegram ids):
  manager + admin     {manager}
  executor (plumber)  {executor}
  resident            {resident}   (new: goes through onboarding on /start)

Act as the resident from Python:

  from sandbox.client import EmulatorClient
  emu = EmulatorClient("{url}", "{token}")
  me = await emu.user({resident})
  await me.send_command("start")
  print(await me.expect())

Press Ctrl+C to stop.
"""


async def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", port: int = 8081) -> None:
    people = DemoPeople()
    async with run_emulator(host, port) as emulator:
        token = settings.bot_token.get_secret_value() or SANDBOX_TOKEN
        emu = EmulatorClient(emulator.base_url, token)
        await emu.create_user(
            "Malika", "Manager", language_code="ru", user_id=people.manager_id, started=True
        )
        await emu.create_user(
            "Rustam", "Executor", language_code="ru", user_id=people.executor_id, started=True
        )
        await emu.create_user("Dilnoza", "Resident", language_code="ru", user_id=people.resident_id)
        staff = await emu.create_group("UK staff", members=[people.manager_id, people.executor_id])
        storage = await emu.create_channel("UK storage")
        sandbox_settings = settings.model_copy(
            update={
                "bot_token": SecretStr(token),
                "telegram_api_url": emulator.base_url,
                "staff_chat_id": staff.id,
                "storage_channel_id": storage.id,
                "admin_ids": sorted({*settings.admin_ids, people.manager_id}),
            }
        )
        try:
            async with open_runtime(sandbox_settings) as runtime:
                await seed_demo(runtime.services.session_factory, people)
                async with polling(runtime) as poller:
                    print(
                        INSTRUCTIONS.format(
                            url=emulator.base_url,
                            token=token,
                            manager=people.manager_id,
                            executor=people.executor_id,
                            resident=people.resident_id,
                        ),
                        flush=True,
                    )
                    # a stop cancels us, not the poller: polling() stops it gracefully
                    await asyncio.shield(poller)
        finally:
            await emu.close()


if __name__ == "__main__":
    asyncio.run(run_sandbox(Settings()))
