"""The one declarative table of who may use each route, by route name.

Every route the application serves must appear here: `create_app` refuses to build an app with a
route that has no rule, so a new route can never be reachable by accident.
"""

from __future__ import annotations

from advocacy.users.models import Role

A, E, R, L, ADMIN = Role.AMBASSADOR, Role.EDITOR, Role.REVIEWER, Role.LEADER, Role.ADMIN
EVERYONE = frozenset(Role)
PUBLIC: frozenset[Role] = frozenset()  # an empty rule means: no sign-in needed

ROUTE_ROLES: dict[str, frozenset[Role]] = {
    # open to anyone
    "healthz": PUBLIC,
    "static": PUBLIC,
    "static-plotly": PUBLIC,
    "login": PUBLIC,
    "login-submit": PUBLIC,
    "login-oidc": PUBLIC,
    "login-oidc-callback": PUBLIC,
    "password-forgot": PUBLIC,
    "password-forgot-submit": PUBLIC,
    "password-reset": PUBLIC,
    "password-reset-submit": PUBLIC,
    "api-login": PUBLIC,
    "openapi": PUBLIC,
    "link-redirect": PUBLIC,  # people who follow a shared link are not signed in
    # any signed-in person
    "home": EVERYONE,
    "logout": EVERYONE,
    "api-me": EVERYONE,
    "api-compliance-check": EVERYONE,
    # personal API tokens: each person manages only their own
    "tokens": EVERYONE,
    "tokens-create": EVERYONE,
    "tokens-revoke": EVERYONE,
    "api-tokens-list": EVERYONE,
    "api-tokens-create": EVERYONE,
    "api-tokens-revoke": EVERYONE,
    # ambassadors
    "feed": frozenset({A, ADMIN}),
    "feed-share": frozenset({A, ADMIN}),
    "feed-cancel": frozenset({A, ADMIN}),
    "api-feed": frozenset({A, ADMIN}),
    "api-shares-list": frozenset({A, ADMIN}),
    "api-shares-create": frozenset({A, ADMIN}),
    "api-shares-cancel": frozenset({A, ADMIN}),
    # failed shares: an ambassador retries their own, editors and admins anyone's
    "api-shares-retry": frozenset({A, E, ADMIN}),
    # communications studio: editors compose and launch, reviewers approve
    "studio": frozenset({E, R, ADMIN}),
    "studio-campaign": frozenset({E, R, ADMIN}),
    "studio-campaign-create": frozenset({E, ADMIN}),
    "studio-post-create": frozenset({E, ADMIN}),
    "studio-pack-submit": frozenset({E, ADMIN}),
    "studio-pack-review": frozenset({R, ADMIN}),
    "studio-campaign-launch": frozenset({E, ADMIN}),
    "studio-check": frozenset({E, R, ADMIN}),
    "studio-pack-archive": frozenset({E, ADMIN}),
    "studio-pack-expiry": frozenset({E, ADMIN}),
    "studio-message-edit": frozenset({E, ADMIN}),
    "studio-correction-create": frozenset({E, ADMIN}),
    "studio-correction-review": frozenset({R, ADMIN}),
    "api-campaigns-list": frozenset({E, R, L, ADMIN}),
    "api-campaigns-get": frozenset({E, R, L, ADMIN}),
    "api-campaigns-create": frozenset({E, ADMIN}),
    "api-posts-create": frozenset({E, ADMIN}),
    "api-packs-submit": frozenset({E, ADMIN}),
    "api-packs-review": frozenset({R, ADMIN}),
    "api-campaigns-launch": frozenset({E, ADMIN}),
    # leadership dashboard
    "dashboard": frozenset({L, E, ADMIN}),
    "dashboard-csv": frozenset({L, E, ADMIN}),
    "dashboard-weekly": frozenset({L, E, ADMIN}),
    "dashboard-campaign": frozenset({L, E, ADMIN}),
    "dashboard-campaign-csv": frozenset({L, E, ADMIN}),
    # an ambassador's own results and leaderboard
    "my-results": frozenset({A, ADMIN}),
    "my-leaderboard-choice": frozenset({A, ADMIN}),
    "api-report": frozenset({L, E, ADMIN}),
    "api-dashboards-summary": frozenset({L, E, ADMIN}),
    "api-emv-formula": frozenset({L, E, ADMIN}),
    # what a result is worth and what the programme cost are leadership's figures to set
    "api-emv-formula-set": frozenset({L, ADMIN}),
    "api-costs-create": frozenset({L, ADMIN}),
    # people
    "api-users-create": frozenset({ADMIN}),
    # the audit log: admins only
    "audit-log": frozenset({ADMIN}),
    "audit-export": frozenset({ADMIN}),
    "api-audit-list": frozenset({ADMIN}),
}


def allowed(route_name: str, role: Role | None) -> bool:
    rule = ROUTE_ROLES[route_name]
    if not rule:
        return True
    return role is not None and role in rule
