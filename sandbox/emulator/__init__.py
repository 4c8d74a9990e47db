"""A local Telegram Bot API emulator for end-to-end tests and offline development.

It speaks ``/bot<token>/<method>`` like api.telegram.org (so aiogram works via
``TelegramAPIServer.from_base(url)``) and exposes a control API under
``/sandbox/api`` to act as users; see :mod:`sandbox.client` for the Python client.
"""

from .errors import ApiError
from .server import EmulatorServer, main, run_emulator
from .state import EmulatorConfig, EmulatorState

__all__ = ["ApiError", "EmulatorConfig", "EmulatorServer", "EmulatorState", "main", "run_emulator"]
