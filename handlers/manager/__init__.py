"""Handlers of the manager role."""

from handlers.manager.router import router

__all__ = ["router"]
