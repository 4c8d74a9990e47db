"""Handlers of the executor role."""

from handlers.executor.router import router

__all__ = ["router"]
