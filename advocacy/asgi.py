"""ASGI entry point for uvicorn or gunicorn workers: `uvicorn advocacy.asgi:app --no-server-header`
(the flag keeps uvicorn's own banner off the answers, as `advocacy serve` does)."""

from advocacy.app import create_app
from advocacy.settings import get_settings

app = create_app(get_settings())
