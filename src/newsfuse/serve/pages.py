"""The web pages: server-rendered HTML (Jinja2), no scripts needed."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
