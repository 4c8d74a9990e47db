"""The resident's routers: onboarding, documents, filing, tracking."""

from aiogram import Router

from handlers.resident import documents, filing, onboarding, tracking

# Everyone may act as a resident; each handler checks what the user may do.
router = Router(name="resident")
router.include_routers(onboarding.router, documents.router, filing.router, tracking.router)
