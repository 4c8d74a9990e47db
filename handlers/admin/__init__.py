"""Handlers of the admin role."""

from handlers.admin.router import router

__all__ = ["router"]
