"""What a browser fetches at the site root to show and install the app: favicon, manifest, service worker."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from advocacy.state import AppRequest

STATIC_DIR = Path(__file__).parent / "static"
THEME_COLOUR = "#1f6f65"  # the accent of app.css: the phone's status bar matches the buttons
BACKGROUND_COLOUR = "#f5f7f9"


async def favicon(request: AppRequest) -> Response:
    # Browsers ask the site root for it whatever the page links (the pages link /static/icon.svg).
    return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})


async def manifest(request: AppRequest) -> Response:
    organization = request.state["settings"].organization_name
    document = {
        "name": f"{organization} advocacy",
        "short_name": "Advocacy",
        "description": f"Share {organization}'s approved posts from your own accounts.",
        "start_url": "/feed",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JSONResponse(document, media_type="application/manifest+json")


async def service_worker(request: AppRequest) -> Response:
    # Served at the root, not under /static: a worker controls only the pages below its own address.
    return FileResponse(STATIC_DIR / "sw.js", media_type="application/javascript",
                        headers={"Cache-Control": "no-cache"})


routes = [
    Route("/favicon.ico", favicon, name="favicon"),
    Route("/manifest.webmanifest", manifest, name="web-manifest"),
    Route("/sw.js", service_worker, name="service-worker"),
]
