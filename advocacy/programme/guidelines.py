"""The organisation's social media guidelines: versions, acknowledgements, and safe rendering."""

from __future__ import annotations

import html
import re

from markupsafe import Markup
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import InvalidInput, NotFound
from advocacy.programme.models import GuidelineAcknowledgement, GuidelineVersion
from advocacy.users.models import User

MAX_BODY = 50_000


async def current_version() -> GuidelineVersion | None:
    """The newest version, the one people acknowledge; None while the organisation has none."""
    return await GuidelineVersion.all().order_by("-version").first()


async def versions() -> list[GuidelineVersion]:
    return await GuidelineVersion.all().order_by("-version")


async def publish_version(clock: Clock, actor: User | None, *, title: str, body: str) -> GuidelineVersion:
    """Save an edit as a new version: earlier versions stay as they were, and everyone who
    acknowledged an older one is asked again before their next share."""
    title, body = title.strip(), body.strip()
    if not title:
        raise InvalidInput("Give the guidelines a title.", {"field": "title"})
    if not body:
        raise InvalidInput("The guidelines cannot be empty.", {"field": "body"})
    if len(title) > 200 or len(body) > MAX_BODY:
        raise InvalidInput(f"Keep the title under 200 and the text under {MAX_BODY:,} characters.",
                           {"field": "body"})
    async with in_transaction():
        latest = await GuidelineVersion.all().order_by("-version").select_for_update().first()
        if latest is not None and latest.title == title and latest.body == body:
            raise InvalidInput("Nothing changed: the text is the same as the current version.",
                               {"field": "body"})
        created = await GuidelineVersion.create(
            version=(latest.version + 1) if latest else 1, title=title, body=body,
            created_by=actor, created_at=clock.now(),
        )
        await audit.record(clock, actor, "guidelines.version", f"guidelines:{created.version}",
                           {"title": title})
    return created


async def acknowledged_version(user: User) -> int | None:
    """The newest guideline version this person acknowledged."""
    ack = await GuidelineAcknowledgement.filter(user_id=user.id).order_by("-version__version") \
        .select_related("version").first()
    return ack.version.version if ack else None


async def acknowledge(clock: Clock, user: User, version_number: int) -> GuidelineAcknowledgement:
    """Record that `user` read `version_number`; it must be the current one (a stale page is refused)."""
    current = await current_version()
    if current is None:
        raise NotFound("There are no guidelines to acknowledge yet.")
    if current.version != version_number:
        raise InvalidInput(
            f"The guidelines changed while you were reading: version {current.version} is current. "
            "Please read it and acknowledge again.", {"field": "version"})
    ack, created = await GuidelineAcknowledgement.get_or_create(
        user_id=user.id, version_id=current.id, defaults={"at": clock.now()})
    if created:
        await audit.record(clock, user, "guidelines.acknowledge", f"guidelines:{current.version}")
    return ack


_INLINE_BOLD = re.compile(r"\*\*(.+?)\*\*")
_INLINE_EM = re.compile(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")


def _inline(text: str) -> str:
    escaped = html.escape(text)
    escaped = _INLINE_BOLD.sub(r"<strong>\1</strong>", escaped)
    return _INLINE_EM.sub(r"<em>\1</em>", escaped)


def render_text(body: str) -> Markup:
    """A small, safe subset of Markdown: headings (#), lists (-, *, 1.), **bold**, *emphasis* and
    paragraphs. Everything else is escaped, so an editor can never put markup or script on the page."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        heading = re.match(r"^(#{1,3})\s+(.*)$", lines[0])
        if heading and len(lines) == 1:
            level = len(heading.group(1)) + 1  # the page title is the h1
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            ordered = bool(re.match(r"^\s*\d", lines[0]))
            tag = "ol" if ordered else "ul"
            items = "".join(f"<li>{_inline(_LIST_ITEM.match(line).group(1))}</li>"  # type: ignore[union-attr]
                            for line in lines)
            out.append(f"<{tag}>{items}</{tag}>")
            continue
        out.append("<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>")
    return Markup("\n".join(out))
