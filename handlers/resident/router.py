from aiogram import Router

# Residents are everyone who is not staff-only; features attach their handlers here.
router = Router(name="resident")
