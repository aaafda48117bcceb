"""Takes the README's screenshots (dashboards, feed, shares, accounts, studio, programme, people) of a
running server in headless Chromium.

A tool, not a test. Start the demo (`advocacy demo --serve`), then:

    python -m scripts.screenshots --base-url http://127.0.0.1:8000 --out docs/screenshots

It signs in as the demo's people and drives Debian's /usr/bin/chromium through playwright; it never
downloads a browser.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
# Offline and quiet: no updates, sync or first-run work; no GPU or sandbox in containers and CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    file_name: str
    path: str
    email: str
    wait_for: str | None = None  # a selector that shows the page finished drawing
    phone: bool = False  # at a phone's width (390 px) instead of a laptop's


async def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Sign in through the login form; fails loudly when the server refuses the credentials."""
    await page.goto(f"{base_url}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_load_state()
    if page.url.split("?")[0].endswith("/login"):
        raise SystemExit(f"could not sign in as {email}: check --password and that the demo is seeded")


async def take(shots: Sequence[Shot], base_url: str, password: str, out: Path, chromium: Path) -> list[Path]:
    from playwright.async_api import async_playwright

    saved = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            for shot in shots:
                # A fresh context per person: nobody's session leaks into the next picture.
                context = await browser.new_context(
                    viewport=PHONE if shot.phone else VIEWPORT, is_mobile=shot.phone,
                    device_scale_factor=2 if shot.phone else 1)
                page = await context.new_page()
                page.set_default_timeout(30_000)
                await sign_in(page, base_url, shot.email, password)
                await page.goto(f"{base_url}{shot.path}")
                if shot.wait_for and await page.locator(".figure").count():
                    await page.wait_for_selector(shot.wait_for)
                target = out / shot.file_name
                await page.screenshot(path=str(target), full_page=not shot.phone)  # a phone: one screen
                saved.append(target)
                await context.close()
        finally:
            await browser.close()
    return saved


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.screenshots", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--leader-email", default="leader@northbrook.example")
    parser.add_argument("--ambassador-email", default="ambassador1@northbrook.example")
    parser.add_argument("--editor-email", default="editor@northbrook.example")
    parser.add_argument("--admin-email", default="admin@northbrook.example")
    parser.add_argument("--password", default="harbour lantern demo")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM, help="the Chromium binary to drive")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if not args.chromium.exists():
        raise SystemExit(f"no Chromium at {args.chromium}: install Debian's (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    base_url = args.base_url.rstrip("/")
    shots = [
        Shot("dashboard.png", "/dashboard", args.leader_email, wait_for=".figure .main-svg"),
        Shot("feed.png", "/feed", args.ambassador_email),
        Shot("feed-phone.png", "/feed", args.ambassador_email, phone=True),
        Shot("my-shares-phone.png", "/me/shares", args.ambassador_email, phone=True),
        Shot("studio.png", "/studio", args.editor_email),
        Shot("campaign-dashboard.png", "/dashboard/campaigns/1", args.leader_email,
             wait_for=".figure .main-svg"),
        Shot("my-shares.png", "/me/shares", args.ambassador_email),
        Shot("accounts.png", "/accounts", args.ambassador_email),
        Shot("programme.png", "/programme", args.editor_email),
        # A search, so the list stays a screen or two long.
        Shot("people.png", "/admin/users?q=ambassador1", args.admin_email),
    ]
    for path in asyncio.run(take(shots, base_url, args.password, args.out, args.chromium)):
        print(f"saved {path}")


if __name__ == "__main__":
    main()
