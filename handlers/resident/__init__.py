"""Handlers of the resident role."""

from handlers.resident.router import router

__all__ = ["router"]
