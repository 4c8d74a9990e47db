from aiogram import Router

from domain.enums import Role
from handlers.executor import jobs
from handlers.roles import HasRole

router = Router(name="executor")
router.message.filter(HasRole(Role.EXECUTOR))
router.callback_query.filter(HasRole(Role.EXECUTOR))
router.include_router(jobs.router)
