"""One-tap share links in notifications: signed, single-use, expiring, bound to one person.

A launch notice or a "new posts for you" digest offers, per post, *Share on LinkedIn*, *Share on
X* (for the networks the post has messages for and the person connected) and *Auto-queue*. Each is
a link to a confirmation of the share the feed would make: the token in it is signed with the
secret key and names the person, the post, the action, its expiry and a random nonce. Nothing is
stored when the link is made; a link that was used leaves its nonce in `one_tap_uses`, whose unique
index refuses a second use, even of two confirmations at the same moment. Once the link has expired
the row proves nothing more (an expired link is refused for that alone), and the expiry job deletes
it (`forget_used_links`).

Confirming calls `service.create_share` and nothing else: the gate, compliance, authenticity, the
campaign window and the caps apply exactly as in the feed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from advocacy.accounts.models import NETWORK_LABELS, SocialAccount
from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine
from advocacy.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from advocacy.links.service import LinkMaker
from advocacy.notify.channels import Action, PostActions
from advocacy.notify.delivery import PostActionsFor
from advocacy.notify.unsubscribe import absolute_url
from advocacy.settings import Settings
from advocacy.shares import service
from advocacy.shares.models import OneTapUse, Share
from advocacy.shares.usage import least_used
from advocacy.users.models import User
from campaigns.models import MessageVariant, Post

_SALT = "one-tap-share"
AUTO = "auto"
NETWORKS = ("linkedin", "x")
LABELS = {"linkedin": "Share on LinkedIn", "x": "Share on X", AUTO: "Auto-queue"}
# The longest a link can live (the upper bound of ADVOCACY_SHARE_LINK_HOURS): a use recorded before
# its link's expiry was kept is forgotten once even such a link would have expired.
LONGEST_LINK = timedelta(hours=720)


@dataclass(frozen=True)
class Tap:
    """What a one-tap link's token says: whose it is, which post, which action, until when."""

    user_id: int
    post_id: int
    action: str  # a network, or AUTO
    expires_at: datetime
    nonce: str


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=_SALT)


def make_token(settings: Settings, now: datetime, user_id: int, post_id: int, action: str) -> str:
    expires = now + timedelta(hours=settings.share_link_hours)
    payload = {"u": user_id, "p": post_id, "a": action, "e": int(expires.timestamp()),
               "n": secrets.token_urlsafe(16)}
    return str(_serializer(settings).dumps(payload))


def link_of(settings: Settings, token: str) -> str:
    return absolute_url(settings, f"/share/{token}")


def read_token(settings: Settings, token: str) -> Tap:
    """The token's content, or NotFound for a token this service did not sign."""
    try:
        payload = _serializer(settings).loads(token)
        tap = Tap(user_id=int(payload["u"]), post_id=int(payload["p"]), action=str(payload["a"]),
                  expires_at=datetime.fromtimestamp(int(payload["e"]), UTC), nonce=str(payload["n"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This share link is not valid. Open the post from your feed instead.") from None
    if tap.action not in LABELS:
        raise NotFound("This share link is not valid. Open the post from your feed instead.")
    return tap


async def open_tap(settings: Settings, now: datetime, user: User, token: str) -> Tap:
    """The link's tap for `user`, refused when it is another person's, expired or already used."""
    tap = read_token(settings, token)
    if tap.user_id != user.id:
        raise Forbidden("This share link was sent to someone else: it only works for them. "
                        "Your own posts are in your feed.")
    if now >= tap.expires_at:
        raise Gone("This share link has expired. The post may still be in your feed.")
    if await OneTapUse.exists(nonce=tap.nonce):
        raise Gone("This share link was already used: each one works once. See your shares under "
                   "My shares.")
    return tap


async def forget_used_links(now: datetime) -> int:
    """Delete the used-link rows whose link has expired (it is refused as expired whatever the
    table holds); returns how many were deleted."""
    past = Q(expires_at__lte=now) | Q(expires_at__isnull=True, used_at__lte=now - LONGEST_LINK)
    return int(await OneTapUse.filter(past).delete())


async def post_actions(
    settings: Settings, clock: Clock, user: User, post_ids: list[int]
) -> list[PostActions]:
    """The share actions of these posts for `user`, as a notice shows them (in the posts' order):
    one per network the post has messages for and the person connected, then auto-queue."""
    connected = set(await SocialAccount.filter(user_id=user.id, status="connected", is_brand=False)
                    .values_list("network", flat=True))
    titles = dict(await Post.filter(id__in=post_ids).values_list("id", "title"))
    written: dict[int, set[str]] = {}
    pairs = await MessageVariant.filter(post_id__in=post_ids).values_list("post_id", "network")
    for post_id, network in pairs:
        written.setdefault(post_id, set()).add(str(network))
    now = clock.now()
    offered = []
    for post_id in post_ids:
        networks = [n for n in NETWORKS if n in written.get(post_id, set()) and n in connected]
        if post_id not in titles or not networks:
            continue
        actions = []
        for action in (*networks, AUTO):
            token = make_token(settings, now, user.id, post_id, action)
            actions.append(Action(label=LABELS[action], url=link_of(settings, token), token=token))
        offered.append(PostActions(post_id=post_id, title=str(titles[post_id]), actions=tuple(actions)))
    return offered


def actions_provider(settings: Settings, clock: Clock) -> PostActionsFor:
    """`post_actions` as the notification deliverer takes it."""

    async def provide(user: User, post_ids: list[int]) -> list[PostActions]:
        return await post_actions(settings, clock, user, post_ids)

    return provide


@dataclass(frozen=True)
class Choice:
    """One share a confirmation makes: the account it goes out from and the suggestion it starts
    with (the least used one)."""

    network: str
    account: SocialAccount
    variant: MessageVariant

    @property
    def label(self) -> str:
        return NETWORK_LABELS.get(self.network, self.network)


async def choices_of(user: User, tap: Tap) -> tuple[Post, list[Choice]]:
    """The post and the shares the tap offers: one network, or every connected one for auto."""
    post = await Post.get_or_none(id=tap.post_id).select_related("pack__campaign")
    if post is None:
        raise NotFound("This post no longer exists.")
    accounts = {
        account.network.value: account
        for account in await SocialAccount.filter(user_id=user.id, status="connected", is_brand=False)
        .order_by("id")
    }
    networks = NETWORKS if tap.action == AUTO else (tap.action,)
    choices = []
    for network in networks:
        variant = await least_used(post.id, network)
        if network in accounts and variant is not None:
            choices.append(Choice(network=network, account=accounts[network], variant=variant))
    if not choices:
        raise Conflict("Connect an account on a network this post has a message for, then share "
                       "it from your feed.")
    return post, choices


@dataclass
class Outcome:
    """What a confirmation did: the shares queued, and why the others were refused."""

    shares: list[Share]
    refused: dict[str, DomainError]


async def confirm(
    clock: Clock,
    settings: Settings,
    user: User,
    token: str,
    *,
    texts: dict[str, str],
    compliance: ComplianceEngine,
    links: LinkMaker,
    policy: service.SharingPolicy,
    nudge_similar: bool = True,
) -> Outcome:
    """Use the link once: queue its share(s) through `service.create_share`. `texts` holds the
    words per network when the person changed the suggestion. The link stays usable when nothing
    could be queued (the person may fix the words and confirm again)."""
    tap = await open_tap(settings, clock.now(), user, token)
    _, choices = await choices_of(user, tap)
    try:
        use = await OneTapUse.create(nonce=tap.nonce, user_id=user.id, used_at=clock.now(),
                                     expires_at=tap.expires_at)
    except IntegrityError:
        raise Gone("This share link was already used: each one works once.") from None
    outcome = Outcome(shares=[], refused={})
    mode = service.ShareMode.AUTO if tap.action == AUTO else service.ShareMode.NOW
    for choice in choices:
        own = texts.get(choice.network, "").strip()
        edited = own and own != choice.variant.text.strip()
        try:
            outcome.shares.append(await service.create_share(
                clock, user, post_id=tap.post_id, account_id=choice.account.id,
                variant_id=None if edited else choice.variant.id, text=own if edited else None,
                mode=mode, compliance=compliance, links=links, policy=policy,
                nudge_similar=nudge_similar,
            ))
        except DomainError as error:
            outcome.refused[choice.network] = error
    if not outcome.shares:
        await use.delete()
    return outcome
