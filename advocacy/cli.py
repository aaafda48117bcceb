"""The `advocacy` command: demo, serve, worker, migrate and user management."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from advocacy import db
from advocacy.clock import SystemClock
from advocacy.errors import DomainError
from advocacy.settings import Settings, get_settings


def _serve(settings: Settings, host: str, port: int, with_worker: bool, workers: int) -> None:
    import uvicorn

    if workers > 1:
        if with_worker:
            sys.exit("--with-worker runs the scheduler in the web process: use it with one web worker "
                     "and start `advocacy worker` processes for more.")
        uvicorn.run("advocacy.asgi:app", host=host, port=port, workers=workers,
                    access_log=False, proxy_headers=False, server_header=False)
        return
    from advocacy.app import create_app

    uvicorn.run(create_app(settings, with_worker=with_worker), host=host, port=port,
                access_log=False, proxy_headers=False, server_header=False)


async def _worker(settings: Settings) -> None:
    from advocacy.accounts.networks import NetworkRegistry
    from advocacy.scheduler import build_scheduler

    await db.init_db(settings)
    clock = SystemClock()
    networks = NetworkRegistry(settings, clock)
    scheduler = build_scheduler(settings, clock, networks)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    scheduler.start()
    logging.getLogger("advocacy").info("worker started; dispatching every %ss",
                                       settings.dispatch_interval_seconds)
    try:
        await stop.wait()
    finally:
        # The runs in flight finish their current batch first; a lease covers anything cut short.
        await scheduler.stop(settings.worker_stop_grace_seconds)
        await networks.close()
        await db.close_db()


async def _migrate(settings: Settings) -> None:
    await db.migrate(settings)
    await db.close_db()
    print(f"Database is up to date ({settings.database_url.split('://')[0]}).")


async def _create_user(settings: Settings, args: argparse.Namespace) -> None:
    from advocacy.users.service import create_user

    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat the password: "):
            sys.exit("The passwords differ; nothing was created.")
    await db.init_db(settings)
    try:
        user = await create_user(
            SystemClock(), email=args.email, role=args.role, password=password, name=args.name or "",
            department=args.department, region=args.region, timezone=args.timezone,
            opted_in=args.opted_in,
        )
    except DomainError as error:
        sys.exit(f"Not created: {error.message}")
    finally:
        await db.close_db()
    print(f"Created {user.role.value} {user.email} (id {user.id}).")


async def _set_active(settings: Settings, args: argparse.Namespace) -> None:
    """Deactivate or reactivate an account the way the people page does (no acting admin: the
    audit log names the service)."""
    from advocacy.people.service import deactivate_person, reactivate_person
    from advocacy.users.models import User

    await db.init_db(settings)
    try:
        user = await User.get_or_none(email=args.email.strip().lower())
        if user is None:
            sys.exit(f"Nothing changed: there is no account for {args.email}.")
        if args.users_command == "deactivate":
            _, shares = await deactivate_person(SystemClock(), None, user.id)
            done = f"Deactivated {user.email}: sessions and tokens ended, {shares} waiting share(s) paused."
        else:
            _, shares = await reactivate_person(SystemClock(), None, user.id)
            done = f"Reactivated {user.email}: {shares} paused share(s) queued again."
    except DomainError as error:
        sys.exit(f"Nothing changed: {error.message}")
    finally:
        await db.close_db()
    print(done)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="advocacy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed an organisation and run a simulated campaign")
    demo.add_argument("--ambassadors", type=int, default=200)
    demo.add_argument("--days", type=int, default=14, help="simulated days of the campaign")
    demo.add_argument("--out", type=Path, default=Path("advocacy-demo"),
                      help="folder for the demo database and the dashboard")
    demo.add_argument("--database-url", default=None,
                      help="default: a fresh SQLite file in --out; an existing database must be empty")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--serve", action="store_true", help="then serve the web app on the demo data")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    serve = commands.add_parser("serve", help="serve the web app with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--with-worker", action="store_true",
                       help="also run the dispatcher and collector in this process")

    commands.add_parser("worker", help="run the scheduler: dispatch due shares, collect metrics")
    commands.add_parser("migrate", help="apply database migrations")

    users = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="users_command", required=True)
    create = users.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True,
                        help="ambassador, editor, reviewer, leader or admin")
    create.add_argument("--password", help="prompted for when left out")
    create.add_argument("--name")
    create.add_argument("--department", default="")
    create.add_argument("--region", default="")
    create.add_argument("--timezone", default="UTC")
    create.add_argument("--opted-in", action="store_true",
                        help="record the ambassador's opt-in to the programme")
    for command, what in (("deactivate", "close an account: sign-in refused, sessions and tokens ended"),
                          ("reactivate", "open a deactivated account again")):
        users.add_parser(command, help=what).add_argument("--email", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    settings = get_settings()
    if args.command == "demo":
        from advocacy.demo.run import DemoOptions, run_demo_command

        options = DemoOptions(ambassadors=args.ambassadors, days=args.days, out_dir=args.out,
                              seed=args.seed)
        demo_settings = run_demo_command(settings, options, database_url=args.database_url)
        if args.serve:
            print(f"\nServing the demo on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
            _serve(demo_settings, args.host, args.port, with_worker=True, workers=1)
    elif args.command == "serve":
        _serve(settings, args.host, args.port, args.with_worker, args.workers)
    elif args.command == "worker":
        asyncio.run(_worker(settings))
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
    elif args.command == "users" and args.users_command == "create":
        asyncio.run(_create_user(settings, args))
    elif args.command == "users":
        asyncio.run(_set_active(settings, args))


if __name__ == "__main__":
    main()
