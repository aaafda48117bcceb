"""Posts' pictures: kept in the database when a post is written, served from this service's own address.

The database holds the bytes, so every web process behind a load balancer serves the same picture
with nothing to copy between machines. A picture's address is the SHA-256 of its bytes: it never
names other bytes, so browsers keep it for a year without asking again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from starlette.responses import Response
from starlette.routing import Route

from advocacy.errors import NotFound
from advocacy.state import AppRequest
from campaigns.link_preview import LinkImage
from campaigns.models import Post, PostImage

DIGEST = re.compile(r"[0-9a-f]{64}")
KEEP_FOR_GOOD = "private, max-age=31536000, immutable"


async def keep_picture(
    post: Post, picture: LinkImage, source_url: str, *, alt: str, at: datetime
) -> PostImage:
    """Store the fetched picture of a post (inside the caller's transaction)."""
    return await PostImage.create(
        post=post, digest=hashlib.sha256(picture.data).hexdigest(), content_type=picture.content_type,
        data=picture.data, alt=alt.strip()[:300], source_url=source_url[:2000], fetched_at=at,
    )


async def picture(request: AppRequest) -> Response:
    digest = request.path_params["digest"]
    if not DIGEST.fullmatch(digest):
        raise NotFound("There is no such picture.")
    headers = {"Cache-Control": KEEP_FOR_GOOD, "ETag": f'"{digest}"'}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    found = await PostImage.filter(digest=digest).first().values("content_type", "data")
    if found is None:
        raise NotFound("There is no such picture.")
    return Response(bytes(found["data"]), media_type=found["content_type"], headers=headers)


routes = [Route("/media/images/{digest}", picture, name="media-image")]
