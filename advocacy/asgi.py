"""ASGI entry point for uvicorn or gunicorn workers: `uvicorn advocacy.asgi:app`."""

from advocacy.app import create_app
from advocacy.settings import get_settings

app = create_app(get_settings())
