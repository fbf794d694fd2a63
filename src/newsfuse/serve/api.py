"""The JSON API under /api: typed responses, library calls only."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api")
