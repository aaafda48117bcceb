"""HTML pages of this domain (filled in with the pages work)."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
