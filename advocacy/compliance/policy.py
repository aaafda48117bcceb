"""An organisation's compliance policy: disclosures, blocked phrases and allowed contacts, in one object.

Kept as one value object so that settings (today) or an admin page (later) can supply it and the
engine never reads configuration itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from advocacy.settings import Settings

# LinkedIn shows about this many characters of a post before "see more".
LINKEDIN_VISIBLE_CHARS = 210

DEFAULT_DISCLOSURES = (
    "#employee",
    "I work at {organization}",
    "I work for {organization}",
    "Views are my own",
    "Opinions are my own",
)
DEFAULT_BLOCKED_TERMS = (
    "confidential",
    "internal only",
    "for internal use",
    "do not share",
    "do not distribute",
    "not for distribution",
    "under embargo",
    "embargoed",
    "proprietary",
    "merger talks",
    "acquisition talks",
    "pending lawsuit",
    "settlement talks",
    "draft budget",
)


@dataclass(frozen=True)
class CompliancePolicy:
    """What the engine enforces for one organisation."""

    organization: str = "Northbrook Health"
    # The first disclosure is the one the engine inserts when a share has none.
    disclosures: tuple[str, ...] = DEFAULT_DISCLOSURES
    blocked_terms: tuple[str, ...] = DEFAULT_BLOCKED_TERMS
    # Public contact points of the organisation (switchboard, press office) that may appear in posts.
    allowed_contacts: tuple[str, ...] = ()
    # Email domains of the organisation: any address at one of them may appear in posts.
    allowed_domains: tuple[str, ...] = ()
    phone_region: str = "US"
    linkedin_visible_chars: int = LINKEDIN_VISIBLE_CHARS
    require_first_person: bool = True
    # Which saved policy version this is (0: the defaults from settings, before any is saved), and
    # its per-rule choices as (rule, "block" | "warn" | "off") pairs (see catalogue.py).
    version: int = 0
    severities: tuple[tuple[str, str], ...] = ()

    def disclosure_texts(self) -> tuple[str, ...]:
        return tuple(d.replace("{organization}", self.organization) for d in self.disclosures if d.strip())

    @property
    def default_disclosure(self) -> str:
        texts = self.disclosure_texts()
        return texts[0] if texts else ""

    @classmethod
    def from_settings(cls, settings: Settings) -> CompliancePolicy:
        """The policy configured by the `ADVOCACY_COMPLIANCE_*` settings."""
        return cls(
            organization=settings.organization_name,
            disclosures=split_list(settings.compliance_disclosures) or DEFAULT_DISCLOSURES,
            blocked_terms=split_list(settings.compliance_blocked_terms) or DEFAULT_BLOCKED_TERMS,
            allowed_contacts=split_list(settings.compliance_allowed_contacts),
            phone_region=settings.compliance_phone_region or "US",
        )


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())
