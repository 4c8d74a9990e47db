"""The manager's routers (admins see everything a manager sees).

Escalation card buttons sit outside the role filter: their use case checks the
presser manages the building, so anybody else gets "not available".
"""

from aiogram import Router

from domain.enums import Role
from handlers.manager import (
    announcements,
    desk,
    escalation,
    incidents,
    inline,
    invites,
    people,
    reports,
    templates,
    verification,
)
from handlers.roles import HasRole

staff = Router(name="manager-staff")
staff.message.filter(HasRole(Role.MANAGER, Role.ADMIN))
staff.callback_query.filter(HasRole(Role.MANAGER, Role.ADMIN))
staff.include_routers(
    verification.router,
    people.router,
    invites.router,
    desk.router,
    incidents.router,
    templates.router,
    reports.router,
    announcements.router,
    inline.router,
)

router = Router(name="manager")
router.include_routers(escalation.router, staff)
