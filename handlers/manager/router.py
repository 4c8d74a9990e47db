from aiogram import Router

from domain.enums import Role
from handlers.roles import HasRole

router = Router(name="manager")
router.message.filter(HasRole(Role.MANAGER, Role.ADMIN))
router.callback_query.filter(HasRole(Role.MANAGER, Role.ADMIN))
