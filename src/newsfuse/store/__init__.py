"""Persistence. SQLite is the default store."""

from .sqlite import Store

__all__ = ["Store"]
