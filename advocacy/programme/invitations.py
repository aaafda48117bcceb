"""Inviting people to the programme, one at a time or from a CSV file, and accepting an invitation.

An invitation creates the person's ambassador account right away, not yet opted in and without a
usable password, so the members list shows who was invited. The link is single-use and expires;
the invitation keeps only the SHA-256 digest of its token. The email is a notice in the outbox
(advocacy.notify): retried when the mail server is down, visible to admins, held while sending is
off; the outbox row holds the link until it is sent, as the email itself will. An editor can also
make a fresh link to hand over another way (it replaces the emailed one).
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import EmailStr, TypeAdapter, ValidationError
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, InvalidInput
from advocacy.localtime import is_zone_name
from advocacy.notify import service as notify
from advocacy.programme import consent
from advocacy.programme.models import Invitation
from advocacy.settings import Settings
from advocacy.users.models import Role, User
from advocacy.users.passwords import check_password
from advocacy.users.service import get_user, hash_password

# The kind of the invitation's notice: it goes out at once, not with a digest (advocacy.notify).
INVITATION_KIND = "invitation"
_email = TypeAdapter(EmailStr)
# An account made by an invitation cannot sign in with a password until its person joins.
UNUSABLE_PASSWORD = "!invited"
MAX_IMPORT_ROWS = 5_000
MAX_IMPORT_BYTES = 2_000_000
# The CSV columns, and the header spellings each accepts (compared lower-case, without spaces,
# underscores or hyphens).
COLUMNS = {
    "email": ("email", "emailaddress"),
    "name": ("name", "fullname"),
    "department": ("department", "dept"),
    "region": ("region",),
    "timezone": ("timezone", "tz"),
    "manager_email": ("manageremail", "manager"),
}


@dataclass
class Invitee:
    """One person to invite, as typed in the form or read from one CSV row."""

    email: str
    name: str = ""
    department: str = ""
    region: str = ""
    timezone: str = ""
    manager_email: str = ""


@dataclass
class RowProblem:
    row: int  # the line in the file, counting the header as line 1
    email: str
    message: str


@dataclass
class ImportOutcome:
    """What a CSV import did: all rows invited, or (with problems) nothing at all."""

    invited: list[User] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)  # already members: left as they are
    problems: list[RowProblem] = field(default_factory=list)
    tokens: dict[int, str] = field(default_factory=dict)  # user id -> join token, for the emails


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(value: str, label: str = "email") -> str:
    try:
        return _email.validate_python(value.strip()).lower()
    except ValidationError:
        raise InvalidInput(f"{value.strip()[:80]!r} is not a valid {label} address.",
                           {"field": label.replace(" ", "_")}) from None


def check_invitee(invitee: Invitee) -> Invitee:
    """The invitee with normalised values, or InvalidInput naming the first problem."""
    email = _normalise_email(invitee.email)
    manager = ""
    if invitee.manager_email.strip():
        manager = _normalise_email(invitee.manager_email, "manager email")
    zone = invitee.timezone.strip() or "UTC"
    if not is_zone_name(zone):
        raise InvalidInput(f"{zone[:60]!r} is not a time zone; use a name like Europe/London or "
                           "America/New_York.", {"field": "timezone"})
    for label, value, limit in (("name", invitee.name, 200), ("department", invitee.department, 100),
                                ("region", invitee.region, 100)):
        if len(value.strip()) > limit:
            raise InvalidInput(f"The {label} is longer than {limit} characters.", {"field": label})
    if manager == email:
        raise InvalidInput("A person cannot be their own manager.", {"field": "manager_email"})
    return Invitee(email=email, name=invitee.name.strip(), department=invitee.department.strip(),
                   region=invitee.region.strip(), timezone=zone, manager_email=manager)


async def _existing_problem(user: User) -> str | None:
    """Why an existing account cannot simply be (re-)invited, or None when it can."""
    if user.role != Role.AMBASSADOR:
        return f"{user.email} is a {user.role.value} account, not an ambassador."
    if user.deidentified_at is not None:
        return "That account was de-identified."
    if user.opted_in_at is not None:
        return f"{user.email} is already in the programme."
    return None


async def _issue(clock: Clock, settings: Settings, user: User, actor: User | None) -> str:
    now = clock.now()
    # A new link replaces any earlier one, so only the latest email works.
    await Invitation.filter(user_id=user.id, used_at=None, replaced_at=None).update(replaced_at=now)
    token = secrets.token_urlsafe(32)
    await Invitation.create(user_id=user.id, token_digest=_digest(token), invited_by=actor,
                            created_at=now, expires_at=now + timedelta(days=settings.invitation_days))
    return token


async def invite(clock: Clock, settings: Settings, actor: User, invitee: Invitee) -> tuple[User, str]:
    """Invite one person (or send a fresh link to someone invited before who has not joined)."""
    checked = check_invitee(invitee)
    async with in_transaction():
        user = await User.get_or_none(email=checked.email)
        if user is not None:
            problem = await _existing_problem(user)
            if problem:
                raise Conflict(problem, {"field": "email"})
            user.name = checked.name or user.name
            for attribute in ("department", "region", "manager_email"):
                setattr(user, attribute, getattr(checked, attribute) or getattr(user, attribute))
            if invitee.timezone.strip():
                user.timezone = checked.timezone
            await user.save()
        else:
            user = await _create_invited(clock, checked)
        token = await _issue(clock, settings, user, actor)
    await audit.record(clock, actor, "programme.invite", f"user:{user.id}", {"email": user.email})
    return user, token


async def _create_invited(clock: Clock, checked: Invitee) -> User:
    return await User.create(
        email=checked.email, name=checked.name or checked.email.split("@")[0], role=Role.AMBASSADOR,
        password_hash=UNUSABLE_PASSWORD, department=checked.department, region=checked.region,
        timezone=checked.timezone, manager_email=checked.manager_email, created_at=clock.now())


def _header_key(cell: str) -> str | None:
    compact = "".join(ch for ch in cell.strip().lower() if ch.isalnum())
    return next((key for key, names in COLUMNS.items() if compact in names), None)


def parse_csv(data: bytes) -> list[tuple[int, Invitee]]:
    """Rows of a CSV file with a header line; refuses a file that is not a usable CSV at all."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB; split it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.") from None
    text = text.replace("\x00", "")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise InvalidInput("The file is empty. The first line names the columns: email, name, "
                           "department, region, time zone, manager email.")
    keys = [_header_key(cell) for cell in header]
    if "email" not in keys:
        raise InvalidInput("The first line must name the columns, and one of them must be “email” "
                           "(the others: name, department, region, time zone, manager email).")
    rows: list[tuple[int, Invitee]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {key: cells[i].strip() for i, key in enumerate(keys) if key and i < len(cells)}
        rows.append((number, Invitee(**values)))
        if len(rows) > MAX_IMPORT_ROWS:
            raise InvalidInput(f"The file has more than {MAX_IMPORT_ROWS:,} people; split it.")
    if not rows:
        raise InvalidInput("The file has a header but no people in it.")
    return rows


async def import_csv(clock: Clock, settings: Settings, actor: User, data: bytes) -> ImportOutcome:
    """Invite everyone in a CSV file, all or nothing.

    Every row is checked first. With any problem (a bad address, an unknown time zone, the same
    person twice) nothing is imported and every problem is reported with its line, so the file can
    be fixed and sent again. People already in the programme are skipped and listed, so sending
    the same file twice is harmless; people invited before who have not joined are invited again.
    """
    outcome = ImportOutcome()
    checked: list[tuple[int, Invitee]] = []
    seen: dict[str, int] = {}
    for number, raw in parse_csv(data):
        try:
            invitee = check_invitee(raw)
        except InvalidInput as error:
            outcome.problems.append(RowProblem(number, raw.email[:254], error.message))
            continue
        if invitee.email in seen:
            outcome.problems.append(RowProblem(number, invitee.email,
                                               f"The same person is on line {seen[invitee.email]}."))
            continue
        seen[invitee.email] = number
        checked.append((number, invitee))
    existing = {u.email: u for u in await User.filter(email__in=list(seen))}
    to_invite: list[tuple[int, Invitee, User | None]] = []
    for number, invitee in checked:
        user = existing.get(invitee.email)
        problem = await _existing_problem(user) if user else None
        if problem and user is not None and user.role == Role.AMBASSADOR and user.opted_in_at is not None:
            outcome.skipped.append(RowProblem(number, invitee.email, problem))
        elif problem:
            outcome.problems.append(RowProblem(number, invitee.email, problem))
        else:
            to_invite.append((number, invitee, user))
    if outcome.problems:
        return outcome
    async with in_transaction():
        for _, invitee, user in to_invite:
            if user is None:
                user = await _create_invited(clock, invitee)
            outcome.tokens[user.id] = await _issue(clock, settings, user, actor)
            outcome.invited.append(user)
    await audit.record(clock, actor, "programme.import", f"{len(outcome.invited)} people",
                       {"invited": len(outcome.invited), "skipped": len(outcome.skipped)})
    return outcome


def join_link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/join/{token}"


async def queue_invitation(
    clock: Clock, settings: Settings, user: User, token: str, inviter: User | None
) -> bool:
    """Queue the invitation email with its join link in the outbox; whether it was queued now."""
    who = f"{inviter.name} invited you" if inviter else "You are invited"
    body = (
        f"Hello {user.name},\n\n{who} to join the {settings.organization_name} ambassador programme: "
        "colleagues who choose to share the organisation's approved news on their own LinkedIn or X "
        "accounts.\n\nJoining is voluntary. Nothing is shared in your name unless you pick it, and "
        "you can leave at any time with one click.\n\n"
        f"Read more and decide here (the link works once, for {settings.invitation_days} days):\n"
        f"{join_link(settings, token)}\n\nIf you do not want to join, ignore this message.")
    return await notify.notify(
        clock, user, INVITATION_KIND,
        f"{settings.organization_name}: an invitation to the ambassador programme", body,
        link=join_link(settings, token), dedupe_key=f"invitation:{_digest(token)[:40]}",
    )


async def fresh_join_link(clock: Clock, settings: Settings, actor: User, user_id: int) -> tuple[User, str]:
    """A new single-use join link for someone invited who has not joined, to hand over another way
    than the email; it replaces the links sent before."""
    user = await get_user(user_id)
    problem = await _existing_problem(user)
    if problem or user.opted_out_at is not None:
        raise Conflict(problem or f"{user.email} left the programme; invite them again to send a link.")
    async with in_transaction():
        token = await _issue(clock, settings, user, actor)
    await audit.record(clock, actor, "programme.join-link", f"user:{user.id}", {"email": user.email})
    return user, join_link(settings, token)


async def invitation_for(clock: Clock, token: str) -> Invitation:
    """The open invitation a token names, or InvalidInput saying why it no longer works."""
    found = await Invitation.get_or_none(token_digest=_digest(token[:200])).select_related("user")
    if found is None or found.replaced_at is not None:
        raise InvalidInput("This invitation link is not valid (a newer one may have been sent). "
                           "Ask your programme team for a new one.")
    if found.used_at is not None:
        raise InvalidInput("This invitation was already used. Sign in instead.")
    if found.expires_at <= clock.now():
        raise InvalidInput("This invitation has expired. Ask your programme team for a new one.")
    return found


async def accept(clock: Clock, token: str, *, password: str, password_again: str, opt_in: bool,
                 password_required: bool = True) -> User:
    """Join through an invitation: set a password (unless single sign-on is used) and opt in.

    Joining is an explicit choice: without `opt_in` nothing changes.
    """
    invitation = await invitation_for(clock, token)
    if not opt_in:
        raise InvalidInput("To join, tick the box saying you choose to join. If you would rather "
                           "not, close this page: nothing changes.", {"field": "opt_in"})
    if password or password_required:
        check_password(password, (invitation.user.email, invitation.user.name))
        if password != password_again:
            raise InvalidInput("The two passwords differ. Type the same one twice.", {"field": "password"})
    now = clock.now()
    async with in_transaction():
        spent = await Invitation.filter(id=invitation.id, used_at=None).update(used_at=now)
        if not spent:
            raise InvalidInput("This invitation was already used. Sign in instead.")
        user = invitation.user
        if password:
            user.password_hash = hash_password(password)
            await user.save(update_fields=["password_hash"])
    return await consent.opt_in(clock, user)
