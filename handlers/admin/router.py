from aiogram import Router

from domain.enums import Role
from handlers.admin import api_clients, audit, settings
from handlers.roles import HasRole

router = Router(name="admin")
router.message.filter(HasRole(Role.ADMIN))
router.callback_query.filter(HasRole(Role.ADMIN))
router.include_routers(settings.router, audit.router, api_clients.router)
