"""Queueing notifications: the public interface other services call, and each person's preferences.

`notify(...)` records a notice in the outbox (the `notifications` table, which is also the in-app
inbox) together with one delivery row per channel the person chose, due now or at their next
digest. Nothing leaves the service here: the delivery job sends from the outbox later, so a notice
is never lost when a mail server or webhook is down, and a caller's transaction never waits on one.
The same `dedupe_key` for the same person is queued once, however often it is asked for.
`notify_audience(...)` queues one notice for everyone an audience query selects (a campaign's
launch), set-based through advocacy.notify.repository, by the same rules.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.cipher import TokenCipher
from advocacy.clock import Clock
from advocacy.errors import Conflict, InvalidInput
from advocacy.localtime import zone_named, zone_of
from advocacy.notify import repository
from advocacy.notify.channels import check_webhook_url
from advocacy.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Frequency,
    Notification,
    NotificationPreference,
)
from advocacy.settings import Settings
from advocacy.users.models import User
from connectors.base import AuthExpired

# Digests go out at this local hour: daily ones every day, weekly ones on Mondays.
DIGEST_HOUR = 8
WEEKLY_DIGEST_WEEKDAY = 0  # Monday
# Kinds that are already a summary: they go out when made rather than waiting for another digest.
SUMMARY_KINDS = frozenset({"posts_digest", "leadership_summary"})
# Mail about the account itself (advocacy.notify.account_mail): emailed at once whatever the
# person's preferences, since it is no notification one can turn off.
ACCOUNT_KINDS = frozenset({"password_reset"})
# Kinds that go out when made whatever the person's frequency: summaries, and invitations (the
# person has not chosen anything yet, and a link waiting for a digest may expire meanwhile).
AT_ONCE_KINDS = SUMMARY_KINDS | {"invitation"}

SUBJECT_LIMIT = 300
KIND_LIMIT = 40
DEDUPE_KEY_LIMIT = 200
LINK_LIMIT = 2000
# The most posts one notice offers share actions for (the ids fit the notice's column).
POST_ACTIONS_LIMIT = 10
# What someone who never changed their preferences gets: the daily email digest.
DEFAULT_FREQUENCY = Frequency.DAILY
DEFAULT_EMAIL_ENABLED = True
# The people of a fan-out come back this many at a time, so a launch to the whole organisation
# holds one page in memory rather than everyone.
FAN_OUT_PAGE = 10_000


def default_preference(user: User) -> NotificationPreference:
    """The preferences of someone who never changed them (not saved)."""
    return NotificationPreference(
        user_id=user.id, email_enabled=DEFAULT_EMAIL_ENABLED, slack_webhook_encrypted="",
        teams_webhook_encrypted="", frequency=DEFAULT_FREQUENCY, posts_digest_at=None,
    )


async def preference_of(user: User) -> NotificationPreference:
    """The person's preferences, or the defaults when they never changed them."""
    found = await NotificationPreference.get_or_none(user_id=user.id)
    return found if found is not None else default_preference(user)


def webhook_cipher(settings: Settings) -> TokenCipher:
    """The cipher of the webhook addresses: the OAuth tokens' own keys, rotated with them."""
    return TokenCipher(settings.token_key, settings.env)


@dataclass(frozen=True)
class WebhookAddresses:
    """A person's webhook addresses in the clear, for them and for sending; empty when unset."""

    slack: str
    teams: str

    @classmethod
    def of(cls, settings: Settings, preference: NotificationPreference) -> WebhookAddresses:
        cipher = webhook_cipher(settings)

        def clear(stored: str) -> str:
            try:
                return cipher.decrypt(stored or None) or ""
            except AuthExpired:
                # Saved under a token key that is gone: shown empty, so the person enters it again.
                return ""
        return cls(slack=clear(preference.slack_webhook_encrypted),
                   teams=clear(preference.teams_webhook_encrypted))


def channels_of(user: User, preference: NotificationPreference) -> list[Channel]:
    """The outgoing channels a person receives on (in-app is always on and not a channel here)."""
    return chosen_channels(
        preference.frequency, email=preference.email_enabled and bool(user.email),
        slack=bool(preference.slack_webhook_encrypted), teams=bool(preference.teams_webhook_encrypted),
    )


# Channels the organisation sets up for everyone rather than each person for themself: they carry
# the notices that offer posts to share, to whoever has notifications on.
ORGANISATION_CHANNELS = (Channel.SLACK_APP, Channel.TEAMS_APP)


def organisation_channels(settings: Settings) -> frozenset[Channel]:
    """The organisation's channels that are set up (all their settings filled in)."""
    on = set()
    if settings.slack_bot_token and settings.slack_signing_secret:
        on.add(Channel.SLACK_APP)
    if settings.teams_workflow_url:
        on.add(Channel.TEAMS_APP)
    return frozenset(on)


def receives(user: User, preference: NotificationPreference, channel: Channel) -> bool:
    """Whether the person still receives on `channel`: one of their own, or the organisation's
    while their notifications are on."""
    if channel in ORGANISATION_CHANNELS:
        return preference.frequency != Frequency.OFF
    return channel in channels_of(user, preference)


def chosen_channels(frequency: Frequency, *, email: bool, slack: bool, teams: bool) -> list[Channel]:
    """The rule of `channels_of` on plain values: whether the person wants email and has an
    address, and whether they saved a Slack and a Teams webhook."""
    if frequency == Frequency.OFF:
        return []
    channels = []
    if email:
        channels.append(Channel.EMAIL)
    if slack:
        channels.append(Channel.SLACK)
    if teams:
        channels.append(Channel.TEAMS)
    return channels


def next_digest_at(user: User, frequency: Frequency, now: datetime) -> datetime:
    """When the person's next daily or weekly digest goes out: DIGEST_HOUR in their time zone."""
    return next_digest_in(zone_of(user), frequency, now)


def next_digest_in(zone: ZoneInfo, frequency: Frequency, now: datetime) -> datetime:
    """When the next daily or weekly digest goes out in this time zone."""
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
    if frequency == Frequency.WEEKLY:
        slot += timedelta(days=(WEEKLY_DIGEST_WEEKDAY - local.weekday()) % 7)
        if slot <= local:
            slot += timedelta(days=7)
    elif slot <= local:
        slot += timedelta(days=1)
    return slot.astimezone(now.tzinfo)


def delivery_timing(zone: ZoneInfo, frequency: Frequency, kind: str, now: datetime) -> tuple[datetime, bool]:
    """(due at, waits for a digest) of a new notice of `kind` for a person in `zone`."""
    if frequency == Frequency.IMMEDIATE or kind in AT_ONCE_KINDS:
        return now, False
    return next_digest_in(zone, frequency, now), True


async def notify(
    clock: Clock,
    user: User,
    kind: str,
    subject: str,
    body: str,
    *,
    link: str | None = None,
    dedupe_key: str,
    post_ids: Sequence[int] = (),
    organisation: Collection[Channel] = (),
) -> bool:
    """Queue one notice for one person: shown in-app at once, delivered on their channels later.

    `kind` names the sort of notice (e.g. "campaign_launched", "token_expiry"); `link` is an
    absolute URL or a path of this service; `dedupe_key` identifies the notice for this person, so
    asking again with the same key changes nothing. Returns whether it was queued now (False: it
    already was). Respects the person's channels and frequency; never sends anything itself.
    `post_ids` names the posts the notice offers one-tap share actions for (at most
    POST_ACTIONS_LIMIT; the delivery makes each person's signed links when it sends); such a notice
    also goes out on the `organisation` channels (`organisation_channels(settings)`).
    """
    created = await notify_many(clock, [user], kind, subject, body, link=link, dedupe_key=dedupe_key,
                                post_ids=post_ids, organisation=organisation)
    return created == 1


async def notify_many(
    clock: Clock,
    users: Sequence[User],
    kind: str,
    subject: str,
    body: str,
    *,
    link: str | None = None,
    dedupe_key: str,
    post_ids: Sequence[int] = (),
    organisation: Collection[Channel] = (),
) -> int:
    """The same notice for several people already loaded (the leaders of the weekly summary).
    Returns how many were queued now; people who already have a notice with `dedupe_key` are left
    alone."""
    _check_notice(kind, dedupe_key, link)
    if not users:
        return 0
    return await notify_audience(clock, User.filter(id__in=sorted({user.id for user in users})), kind,
                                 subject, body, link=link, dedupe_key=dedupe_key, post_ids=post_ids,
                                 organisation=organisation)


async def notify_audience(
    clock: Clock,
    audience: QuerySet[User],
    kind: str,
    subject: str,
    body: str,
    *,
    link: str | None = None,
    dedupe_key: str,
    post_ids: Sequence[int] = (),
    organisation: Collection[Channel] = (),
) -> int:
    """The same notice for everyone `audience` selects (a campaign's audience, up to the whole
    organisation) in a few statements, however many they are; nobody is loaded as an object.

    Each person's deliveries follow their own channels and frequency, as `notify` does; people who
    already have a notice with `dedupe_key` are left alone, so a retried launch queues nothing
    twice. One transaction: either everyone is queued or nobody is. Returns how many were queued.
    """
    _check_notice(kind, dedupe_key, link)
    now = clock.now()
    subject = " ".join(subject.split())[:SUBJECT_LIMIT]
    queued = 0
    timings: dict[tuple[str, Frequency], tuple[datetime, bool]] = {}
    async with in_transaction() as conn:
        await repository.hold_key(conn, dedupe_key)
        # Fan-outs with this key take turns, so the notices with it above the highest id before
        # are this one's: they are found again by id range, a page at a time, without sending
        # their ids back and forth.
        before = await repository.last_notice_id(conn)
        await repository.insert_notices(conn, audience, kind=kind, subject=subject, body=body, link=link,
                                        dedupe_key=dedupe_key, created_at=now,
                                        post_ids=",".join(str(i) for i in post_ids[:POST_ACTIONS_LIMIT]))
        first, last = await repository.notice_ids_after(conn, before)
        for start in range(first - 1, last, FAN_OUT_PAGE):
            recipients = await repository.new_recipients(conn, dedupe_key, start,
                                                         min(start + FAN_OUT_PAGE, last))
            queued += len(recipients)
            await repository.insert_deliveries(
                conn, _delivery_rows(recipients, kind, now, timings,
                                     [c for c in ORGANISATION_CHANNELS if c in organisation and post_ids]))
    return queued


def _delivery_rows(
    recipients: list[repository.Recipient], kind: str, now: datetime,
    timings: dict[tuple[str, Frequency], tuple[datetime, bool]], organisation: list[Channel],
) -> list[tuple[object, ...]]:
    """The delivery rows (repository.DELIVERY_COLUMNS) of these people's new notices, by the rules of
    `channels_of` and `delivery_timing`. `timings` keeps each digest time worked out: a handful of
    time zones and frequencies recur among thousands of people."""
    rows: list[tuple[object, ...]] = []
    for person in recipients:
        frequency = Frequency(person.frequency) if person.frequency else DEFAULT_FREQUENCY
        email_enabled = DEFAULT_EMAIL_ENABLED if person.email_enabled is None else person.email_enabled
        account = kind in ACCOUNT_KINDS
        if account:
            frequency = Frequency.IMMEDIATE
        channels = chosen_channels(frequency, email=person.has_email and (email_enabled or account),
                                   slack=person.slack and not account, teams=person.teams and not account)
        if frequency != Frequency.OFF:
            channels += organisation
        if not channels:
            continue
        slot = (person.timezone, frequency)
        if slot not in timings:
            timings[slot] = delivery_timing(zone_named(person.timezone), frequency, kind, now)
        due_at, in_digest = timings[slot]
        rows.extend(
            (person.notification_id, person.user_id, channel.value, DeliveryStatus.PENDING.value,
             in_digest, due_at, 0, "", now, now)
            for channel in channels
        )
    return rows


def _check_notice(kind: str, dedupe_key: str, link: str | None) -> None:
    if len(kind) > KIND_LIMIT or not 0 < len(dedupe_key) <= DEDUPE_KEY_LIMIT or len(link or "") > LINK_LIMIT:
        # A caller's mistake, not a person's: fail loudly rather than store a cut-off key.
        raise ValueError(f"notify: kind (≤{KIND_LIMIT}), dedupe_key (1..{DEDUPE_KEY_LIMIT}) or "
                         f"link (≤{LINK_LIMIT}) too long: {kind!r}, {dedupe_key!r}")


async def update_preferences(
    clock: Clock,
    settings: Settings,
    user: User,
    *,
    email_enabled: bool,
    slack_webhook_url: str,
    teams_webhook_url: str,
    frequency: Frequency | str,
) -> NotificationPreference:
    """Save a person's channels and frequency; every address is checked first, so a refused one
    changes nothing. Notices still waiting follow the new choice: a channel turned off skips them,
    a new frequency moves them to the new digest (or to now)."""
    try:
        frequency = Frequency(frequency)
    except ValueError:
        choices = ", ".join(f.value for f in Frequency)
        raise InvalidInput(f"Choose how often: one of {choices}.", {"field": "frequency"}) from None
    slack = await check_webhook_url(settings, slack_webhook_url, label="Slack", field="slack_webhook_url")
    teams = await check_webhook_url(settings, teams_webhook_url, label="Teams", field="teams_webhook_url")
    try:
        cipher = webhook_cipher(settings)
        preference, before, channels = await _save_preferences(
            clock, user, email_enabled, (cipher.encrypt(slack) or "") if slack else "",
            (cipher.encrypt(teams) or "") if teams else "", frequency,
        )
    except IntegrityError:
        # The same person's first save twice at once (a double click): one row won, nothing half-done.
        raise Conflict("Your settings were being saved twice at the same moment; reload the page "
                       "and check them.") from None
    await audit.record(
        clock, user, "notifications.preferences", f"user:{user.id}",
        # Which channels, never the webhook addresses: they are secrets that let anyone post.
        {"frequency": frequency.value, "channels": [c.value for c in channels],
         "added": [c.value for c in channels if c not in before]},
    )
    return preference


async def _save_preferences(
    clock: Clock, user: User, email_enabled: bool, slack: str, teams: str, frequency: Frequency
) -> tuple[NotificationPreference, list[Channel], list[Channel]]:
    now = clock.now()
    async with in_transaction() as conn:
        preference = await NotificationPreference.get_or_none(user_id=user.id, using_db=conn)
        if preference is None:
            preference = default_preference(user)
        before = channels_of(user, preference)
        preference.email_enabled = email_enabled
        preference.slack_webhook_encrypted = slack
        preference.teams_webhook_encrypted = teams
        preference.frequency = frequency
        preference.updated_at = now
        await preference.save(using_db=conn)
        channels = channels_of(user, preference)
        kept = channels + (list(ORGANISATION_CHANNELS) if frequency != Frequency.OFF else [])
        waiting = Delivery.filter(user_id=user.id, status=DeliveryStatus.PENDING).using_db(conn)
        await waiting.exclude(channel__in=kept).update(
            status=DeliveryStatus.SKIPPED, updated_at=now,
            last_error="the person turned this channel off before it was sent",
        )
        # Only waiting notices that have not failed yet move: a retry keeps its own time.
        movable = [
            delivery_id
            for delivery_id, kind in await waiting.filter(channel__in=kept, attempts=0)
            .values_list("id", "notification__kind")
            if kind not in AT_ONCE_KINDS
        ]
        if movable and frequency == Frequency.IMMEDIATE:
            await Delivery.filter(id__in=movable).using_db(conn).update(
                due_at=now, in_digest=False, updated_at=now
            )
        elif movable and frequency in (Frequency.DAILY, Frequency.WEEKLY):
            await Delivery.filter(id__in=movable).using_db(conn).update(
                due_at=next_digest_at(user, frequency, now), in_digest=True, updated_at=now
            )
    return preference, before, channels


async def unsubscribe_email(clock: Clock, user: User) -> bool:
    """Turn a person's notification email off (the one-click link); the emails still waiting are
    not sent. Returns whether it was on."""
    try:
        was_on = await _email_off(clock, user)
    except IntegrityError:
        # The link opened twice at once (mail scanners do): the other request turned it off.
        return False
    if was_on:
        await audit.record(clock, user, "notifications.unsubscribe", f"user:{user.id}",
                           {"channel": "email"})
    return was_on


async def _email_off(clock: Clock, user: User) -> bool:
    now = clock.now()
    async with in_transaction() as conn:
        preference = await NotificationPreference.get_or_none(user_id=user.id, using_db=conn)
        if preference is None:
            preference = default_preference(user)
        was_on = preference.email_enabled
        preference.email_enabled = False
        preference.updated_at = now
        await preference.save(using_db=conn)
        await Delivery.filter(
            user_id=user.id, channel=Channel.EMAIL, status=DeliveryStatus.PENDING
        ).using_db(conn).update(
            status=DeliveryStatus.SKIPPED, updated_at=now,
            last_error="the person unsubscribed from email before it was sent",
        )
    return was_on


def post_ids_of(notice: Notification) -> list[int]:
    """The posts a notice offers one-tap share actions for, in its order."""
    return [int(part) for part in notice.post_ids.split(",") if part.isdigit()]


async def inbox_of(user: User, limit: int = 50) -> list[Notification]:
    """The person's latest notices, newest first (the in-app list)."""
    return await Notification.filter(user_id=user.id).order_by("-created_at", "-id").limit(limit)


async def unread_count(user: User) -> int:
    return await Notification.filter(user_id=user.id, read_at__isnull=True).count()


async def mark_all_read(clock: Clock, user: User) -> int:
    return await Notification.filter(user_id=user.id, read_at__isnull=True).update(read_at=clock.now())
