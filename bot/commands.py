"""The commands menu, per language and per role scope."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n import Translator
from domain.enums import Language, Role
from domain.services.users import UserProfile

BASE_COMMANDS = ("start", "new", "my", "help", "language")
# Role sections add their commands here as the features land.
ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.EXECUTOR: ("jobs", "pool"),
    Role.MANAGER: ("panel", "find", "people", "invite", "reports", "export", "announce"),
    Role.ADMIN: (
        "panel",
        "find",
        "people",
        "invite",
        "reports",
        "export",
        "announce",
        "settings",
        "audit",
    ),
}


def commands_for(roles: frozenset[Role]) -> list[str]:
    names = list(BASE_COMMANDS)
    for role in sorted(roles):
        names.extend(name for name in ROLE_COMMANDS.get(role, ()) if name not in names)
    return names


class CommandsMenu:
    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    def build(self, lang: str, roles: frozenset[Role]) -> list[BotCommand]:
        return [
            BotCommand(command=name, description=self.translator(lang, f"cmd-{name}"))
            for name in commands_for(roles)
        ]

    async def register_defaults(self, bot: Bot) -> None:
        scope = BotCommandScopeDefault()
        await bot.set_my_commands(self.build(self.translator.default, frozenset()), scope=scope)
        for lang in Language:
            await bot.set_my_commands(
                self.build(lang, frozenset()), scope=scope, language_code=lang
            )

    async def refresh_for(self, bot: Bot, profile: UserProfile) -> None:
        """A chat-scoped menu in the user's language with their roles' commands."""
        lang = profile.language or self.translator.default
        scope = BotCommandScopeChat(chat_id=profile.id)
        await bot.set_my_commands(self.build(lang, profile.roles), scope=scope)
