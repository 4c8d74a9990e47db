"""The manager's routers (admins see everything a manager sees)."""

from aiogram import Router

from domain.enums import Role
from handlers.manager import desk, inline, people, templates, verification
from handlers.roles import HasRole

router = Router(name="manager")
router.message.filter(HasRole(Role.MANAGER, Role.ADMIN))
router.callback_query.filter(HasRole(Role.MANAGER, Role.ADMIN))
router.include_routers(
    verification.router, people.router, desk.router, templates.router, inline.router
)
