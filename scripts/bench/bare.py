"""The baseline app of the redirect benchmark: a bare Starlette JSON endpoint, nothing of ours."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"hello": "world"})


app = Starlette(routes=[Route("/", hello)])


def _pk_app() -> Starlette:
    """The baseline of the feed benchmark: Starlette and one raw asyncpg primary-key read per request,
    from a pool opened at start-up (ADVOCACY_BENCH_DATABASE_URL), as JSON.

    The pool gives connections back without asyncpg's reset statement, as the application's pool
    does (`advocacy.db.SessionlessConnection`): with it the baseline made two round trips a
    request to our one, and measured about two thirds of its speed."""
    import os
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    import asyncpg

    pool: list[asyncpg.Pool] = []

    async def keep_as_is(connection: asyncpg.Connection) -> None:
        # A read leaves nothing to reset; an open transaction is still rolled back by asyncpg.
        return None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = os.environ["ADVOCACY_BENCH_DATABASE_URL"].replace("postgres://", "postgresql://")
        pool.append(await asyncpg.create_pool(url, min_size=2, max_size=10, reset=keep_as_is))
        yield
        await pool[0].close()

    async def read(request: Request) -> JSONResponse:
        row = await pool[0].fetchrow("SELECT id, email, name, role FROM users WHERE id = $1",
                                     int(request.query_params.get("id", "1")))
        return JSONResponse(dict(row) if row else {})

    return Starlette(routes=[Route("/", read)], lifespan=lifespan)


pk_app = _pk_app()
