"""Seeds a hospital system's advocacy programme: people, brand channels and connected accounts."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from advocacy.accounts.models import Network, SocialAccount
from advocacy.clock import Clock
from advocacy.users.models import Role, User
from advocacy.users.service import create_user, hash_password

DEMO_PASSWORD = "harbour lantern demo"
DOMAIN = "northbrook.example"
DEPARTMENTS = [
    "Nursing", "Cardiology", "Oncology", "Emergency Medicine", "Pediatrics", "Research",
    "Pharmacy", "Administration",
]
# Regions of the hospital system and the time zone its people live in.
REGIONS = {
    "Northeast": "America/New_York",
    "Midwest": "America/Chicago",
    "Mountain": "America/Denver",
    "West": "America/Los_Angeles",
}
BRAND_FOLLOWERS = {Network.LINKEDIN: 48_000, Network.X: 31_000}


@dataclass
class SeededOrganisation:
    editor: User
    reviewer: User
    leader: User
    admin: User
    ambassadors: list[User]
    invited: int


async def seed_organisation(clock: Clock, *, ambassadors: int, seed: int) -> SeededOrganisation:
    """Staff accounts, brand channels on LinkedIn and X, and `ambassadors` invited employees.

    About 85 % of invitees opt in; most connect LinkedIn, about half connect X.
    """
    rng = random.Random(seed)
    # Every demo account shares one password: hash it once (argon2 is slow on purpose).
    password_hash = hash_password(DEMO_PASSWORD)

    async def staff(role: Role, name: str, department: str) -> User:
        return await create_user(
            clock, email=f"{role.value}@{DOMAIN}", role=role.value, password=DEMO_PASSWORD,
            password_hash=password_hash, name=name, department=department, region="Northeast",
            timezone="America/New_York",
        )

    editor = await staff(Role.EDITOR, "Maya Okafor", "Communications")
    reviewer = await staff(Role.REVIEWER, "Daniel Reyes", "Compliance")
    leader = await staff(Role.LEADER, "Grace Lindqvist", "Executive Office")
    admin = await staff(Role.ADMIN, "Sam Patel", "Communications")

    now = clock.now()
    for network, followers in BRAND_FOLLOWERS.items():
        await SocialAccount.create(
            user=None, network=network, handle="northbrook-health", external_id=f"brand-{network.value}",
            followers=followers, is_brand=True, connected_at=now,
        )

    opted_in: list[User] = []
    accounts: list[SocialAccount] = []
    regions = list(REGIONS)
    for n in range(1, ambassadors + 1):
        region = regions[rng.randrange(len(regions))]
        user = await create_user(
            clock, email=f"ambassador{n}@{DOMAIN}", role=Role.AMBASSADOR.value,
            password=DEMO_PASSWORD, password_hash=password_hash, name=f"Ambassador {n}",
            department=DEPARTMENTS[rng.randrange(len(DEPARTMENTS))], region=region,
            timezone=REGIONS[region], opted_in=n == 1 or rng.random() < 0.85,
        )
        if user.opted_in_at is None:
            continue
        opted_in.append(user)
        for network, share in ((Network.LINKEDIN, 0.92), (Network.X, 0.5)):
            if n == 1 or rng.random() < share:
                # Personal networks are skewed: many of a few hundred, a few of several thousand.
                followers = int(120 * math.exp(rng.uniform(0.0, 3.4)))
                accounts.append(SocialAccount(
                    user=user, network=network, handle=f"{network.value}-ambassador{n}",
                    external_id=f"amb{n}-{network.value}", followers=followers, connected_at=now,
                ))
    await SocialAccount.bulk_create(accounts)
    return SeededOrganisation(editor, reviewer, leader, admin, opted_in, ambassadors)
